//! The routes' pages, compiled into wasm chunks by area (see [`super::lazy`]): a visitor
//! downloads the code of the areas they open, not of the whole app.
//!
//! The areas follow how people move: the sign-in ways (`public`), joining and recovering
//! (`join`), one's own account and organizations (`account`), an organization's frame
//! (`org`), its administration (`org_admin`), its todos (`todos`) and a todo's edit page with
//! its attachments (`todo_edit`), its billing (`billing`) and the platform administration
//! (`admin`). Measured against a chunk per page, this keeps the todos page at
//! the same bytes with 49 files instead of 137, and it becomes interactive sooner
//! (`docs/operations.md`). A new page joins the area it is reached from.

use crate::{
    account::view::{ConfirmEmailPage, ProfilePage, SecurityPage},
    admin::view::{AdminOrgsPage, AdminUsersPage},
    auth::view::{
        CheckEmailPage, CodeSignInPage, ForgotPasswordPage, MagicLinkPage, MagicLinkRequestPage,
        ResetPasswordPage, SignInPage, SignUpPage, VerifyEmailPage,
    },
    billing::view::{BillingPage, CheckoutPage},
    home::HomePage,
    invitations::view::AcceptInvitationPage,
    orgs::view::{AuditPage, OrgLayout, OrgOverview, OrgSettingsPage, OrgsPage, TeamPage},
    shell::lazy::lazy_page,
    todos::view::{TodoEditPage, TodosPage},
};

lazy_page!(
    /// `/`
    HomeRoute: HomePage in public
);
lazy_page!(
    /// `/sign-up`
    SignUpRoute: SignUpPage in join
);
lazy_page!(
    /// `/sign-in`
    SignInRoute: SignInPage in public
);
lazy_page!(
    /// `/sign-in/link`
    MagicLinkRequestRoute: MagicLinkRequestPage in public
);
lazy_page!(
    /// `/sign-in/code`
    CodeSignInRoute: CodeSignInPage in public
);
lazy_page!(
    /// `/check-email`
    CheckEmailRoute: CheckEmailPage in public
);
lazy_page!(
    /// `/verify-email`
    VerifyEmailRoute: VerifyEmailPage in public
);
lazy_page!(
    /// `/magic-link`
    MagicLinkRoute: MagicLinkPage in public
);
lazy_page!(
    /// `/forgot-password`
    ForgotPasswordRoute: ForgotPasswordPage in join
);
lazy_page!(
    /// `/reset-password`
    ResetPasswordRoute: ResetPasswordPage in join
);
lazy_page!(
    /// `/account`
    ProfileRoute: ProfilePage in account
);
lazy_page!(
    /// `/account/security`
    SecurityRoute: SecurityPage in account
);
lazy_page!(
    /// `/confirm-email`
    ConfirmEmailRoute: ConfirmEmailPage in account
);
lazy_page!(
    /// `/orgs`
    OrgsRoute: OrgsPage in account
);
lazy_page!(
    /// `/admin`
    AdminUsersRoute: AdminUsersPage in admin
);
lazy_page!(
    /// `/admin/orgs`
    AdminOrgsRoute: AdminOrgsPage in admin
);
lazy_page!(
    /// `/invitations/accept`
    AcceptInvitationRoute: AcceptInvitationPage in join
);
lazy_page!(
    /// `/o/{slug}`: the organization's frame around the pages below.
    OrgLayoutRoute: OrgLayout in org
);
lazy_page!(
    /// `/o/{slug}`
    OrgOverviewRoute: OrgOverview in org
);
lazy_page!(
    /// `/o/{slug}/todos`
    TodosRoute: TodosPage in todos
);
lazy_page!(
    /// `/o/{slug}/todos/{id}/edit`: its own chunk, so the list does not carry the edit form
    /// and the attachments (uploads, progress, drops) it does not show.
    TodoEditRoute: TodoEditPage in todo_edit
);
lazy_page!(
    /// `/o/{slug}/team`
    TeamRoute: TeamPage in org_admin
);
lazy_page!(
    /// `/o/{slug}/settings`
    OrgSettingsRoute: OrgSettingsPage in org_admin
);
lazy_page!(
    /// `/o/{slug}/audit`
    AuditRoute: AuditPage in org_admin
);
lazy_page!(
    /// `/o/{slug}/billing`
    BillingRoute: BillingPage in billing
);
lazy_page!(
    /// `/billing/checkout/{session}`: the local provider's checkout page.
    CheckoutRoute: CheckoutPage in billing
);
