## Shell
app-name = Foundation
meta-description = Accounts, organizations, roles, billing and realtime collaboration, ready to build on.
skip-to-content = Skip to content
nav-label = Main
nav-home = Home
footer-version = Version { $version }

## Preferences
language-label = Language
theme-label = Theme
theme-system = System
theme-light = Light
theme-dark = Dark
preferences-apply = Apply

## Home
home-title = Ship your SaaS on a foundation that scales
home-lead = Accounts, organizations, roles, billing and a first feature — one binary on your laptop, many instances in production.
features-title = What you get
feature-orgs-title = Organizations and roles
feature-orgs-body = Invite your team, give each member a role, and keep every organization's data apart.
feature-billing-title = Plans and billing
feature-billing-body = Limits per plan, upgrades and invoices, with a local provider for development.
feature-realtime-title = Realtime collaboration
feature-realtime-body = Changes reach everyone in the organization as they happen.
feature-deploy-title = One code base, two deployments
feature-deploy-body = An embedded database with no set-up, or PostgreSQL and Redis across many servers.
status-title = System status
status-loading = Checking…
status-version = Version
status-database = Database
status-cache = Cache and messaging

## Errors
error-title = Something went wrong
error-request-id = Request { $id }
not-found-title = Page not found
not-found-body = The page you asked for does not exist or has moved.
not-found-home = Go to the home page
error-auth-unauthenticated = Please sign in to continue.
error-auth-forbidden = You do not have permission to do that.
error-auth-session-expired = Your session has expired. Please sign in again.
error-auth-invalid-credentials = The email or password is incorrect.
error-val-required-field = This field is required.
error-val-invalid-format = This value is not valid.
error-val-invalid-email = Enter a valid email address.
error-val-password-too-weak = Choose a stronger password.
error-val-too-long = This value is too long.
error-biz-not-found = We could not find what you were looking for.
error-biz-duplicate-entry = This already exists.
error-biz-limit-exceeded = You have reached the limit of your plan.
error-biz-invalid-state = This cannot be done right now.
error-biz-payment-failed = The payment did not go through.
error-sys-server-error = An unexpected error occurred. Please try again.
error-sys-rate-limit = Too many requests. Please wait a moment and try again.
error-sys-config-error = The server is not configured correctly.
error-sys-service-unavailable = The service is temporarily unavailable. Please try again shortly.
error-net-connection-error = Could not reach the server. Check your connection.
error-net-timeout = The server took too long to answer.
