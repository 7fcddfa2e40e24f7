//! The routes' pages, each compiled into a wasm chunk of its own (see [`super::lazy`]): a
//! visitor downloads the code of the pages they open, not of the whole app.

use crate::{
    account::view::{ConfirmEmailPage, ProfilePage, SecurityPage},
    admin::view::{AdminOrgsPage, AdminUsersPage},
    auth::view::{
        CheckEmailPage, CodeSignInPage, ForgotPasswordPage, MagicLinkPage, MagicLinkRequestPage,
        ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage,
    },
    home::HomePage,
    invitations::view::AcceptInvitationPage,
    orgs::view::{AuditPage, OrgLayout, OrgOverview, OrgSettingsPage, OrgsPage, TeamPage},
    shell::lazy::lazy_page,
    todos::view::{TodoEditPage, TodosPage},
};

lazy_page!(
    /// `/`
    HomeRoute, page_home, HomePage
);
lazy_page!(
    /// `/sign-up`
    SignUpRoute, page_sign_up, SignUpPage
);
lazy_page!(
    /// `/sign-in`
    SignInRoute, page_sign_in, SignInPage
);
lazy_page!(
    /// `/sign-in/link`
    MagicLinkRequestRoute, page_magic_link_request, MagicLinkRequestPage
);
lazy_page!(
    /// `/sign-in/code`
    CodeSignInRoute, page_code_sign_in, CodeSignInPage
);
lazy_page!(
    /// `/check-email`
    CheckEmailRoute, page_check_email, CheckEmailPage
);
lazy_page!(
    /// `/verify-email`
    VerifyEmailRoute, page_verify_email, VerifyEmailPage
);
lazy_page!(
    /// `/magic-link`
    MagicLinkRoute, page_magic_link, MagicLinkPage
);
lazy_page!(
    /// `/forgot-password`
    ForgotPasswordRoute, page_forgot_password, ForgotPasswordPage
);
lazy_page!(
    /// `/reset-password`
    ResetPasswordRoute, page_reset_password, ResetPasswordPage
);
lazy_page!(
    /// `/account`
    ProfileRoute, page_profile, ProfilePage
);
lazy_page!(
    /// `/account/security`
    SecurityRoute, page_security, SecurityPage
);
lazy_page!(
    /// `/confirm-email`
    ConfirmEmailRoute, page_confirm_email, ConfirmEmailPage
);
lazy_page!(
    /// `/orgs`
    OrgsRoute, page_orgs, OrgsPage
);
lazy_page!(
    /// `/admin`
    AdminUsersRoute, page_admin_users, AdminUsersPage
);
lazy_page!(
    /// `/admin/orgs`
    AdminOrgsRoute, page_admin_orgs, AdminOrgsPage
);
lazy_page!(
    /// `/invitations/accept`
    AcceptInvitationRoute, page_accept_invitation, AcceptInvitationPage
);
lazy_page!(
    /// `/o/{slug}`: the organization's frame around the pages below.
    OrgLayoutRoute, page_org_layout, OrgLayout
);
lazy_page!(
    /// `/o/{slug}`
    OrgOverviewRoute, page_org_overview, OrgOverview
);
lazy_page!(
    /// `/o/{slug}/todos`
    TodosRoute, page_todos, TodosPage
);
lazy_page!(
    /// `/o/{slug}/todos/{id}/edit`
    TodoEditRoute, page_todo_edit, TodoEditPage
);
lazy_page!(
    /// `/o/{slug}/team`
    TeamRoute, page_team, TeamPage
);
lazy_page!(
    /// `/o/{slug}/settings`
    OrgSettingsRoute, page_org_settings, OrgSettingsPage
);
lazy_page!(
    /// `/o/{slug}/audit`
    AuditRoute, page_audit, AuditPage
);
