//! The HTML document and the root component.

use leptos::prelude::*;
use leptos_meta::{Html, Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use super::{ErrorView, NotFound, header::Header};
use crate::{
    account::view::{ConfirmEmailPage, ProfilePage, SecurityPage},
    admin::view::{AdminOrgsPage, AdminUsersPage, ImpersonationBanner},
    auth::view::{
        CheckEmailPage, CodeSignInPage, ForgotPasswordPage, MagicLinkPage, MagicLinkRequestPage,
        ResetPasswordPage, SignInPage, SignUpPage, VerifyBanner, VerifyEmailPage,
        provide_current_user,
    },
    error::AppError,
    home::HomePage,
    i18n::{I18n, Locale},
    invitations::view::AcceptInvitationPage,
    orgs::view::{AuditPage, OrgLayout, OrgOverview, OrgSettingsPage, OrgsPage, TeamPage},
    preferences::{Theme, view::ThemeContext},
    todos::view::{TodoEditPage, TodosPage},
};

/// The full HTML document rendered by the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: preferences, metadata, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let (locale, theme) = initial_preferences();
    let i18n = I18n { locale: RwSignal::new(locale) };
    provide_context(i18n);
    let theme = ThemeContext(RwSignal::new(theme));
    provide_context(theme);
    provide_current_user();

    // Marks the document once the wasm has taken over, so styles and tests can tell.
    Effect::new(|| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Html attr:lang=move || i18n.locale.get().as_str() attr:data-theme=move || theme.0.get().as_str() />
        // Plain strings: leptos_meta renders these outside the reactive owner on the server.
        <Title text=i18n.t("app-name") />
        <Meta name="description" content=i18n.t("meta-description") />
        <Stylesheet id="leptos" href="/pkg/saas.css" />
        <Router>
            <a class="skip-link" href="#main">
                {move || i18n.t("skip-to-content")}
            </a>
            <Header />
            <ImpersonationBanner />
            <VerifyBanner />
            <main id="main" tabindex="-1">
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <For
                            each=move || errors.get().into_iter()
                            key=|(id, _)| id.clone()
                            children=|(_, error)| view! { <ErrorView error=as_app_error(&error) /> }
                        />
                    }
                }>
                    <Routes fallback=NotFound>
                        <Route path=path!("") view=HomePage />
                        <Route path=path!("sign-up") view=SignUpPage />
                        <Route path=path!("sign-in") view=SignInPage />
                        <Route path=path!("sign-in/link") view=MagicLinkRequestPage />
                        <Route path=path!("sign-in/code") view=CodeSignInPage />
                        <Route path=path!("check-email") view=CheckEmailPage />
                        <Route path=path!("verify-email") view=VerifyEmailPage />
                        <Route path=path!("magic-link") view=MagicLinkPage />
                        <Route path=path!("forgot-password") view=ForgotPasswordPage />
                        <Route path=path!("reset-password") view=ResetPasswordPage />
                        <Route path=path!("account") view=ProfilePage />
                        // Rendered complete before sending: the sessions list is in the HTML,
                        // also without JavaScript.
                        <Route path=path!("account/security") view=SecurityPage ssr=SsrMode::Async />
                        <Route path=path!("confirm-email") view=ConfirmEmailPage />
                        <Route path=path!("orgs") view=OrgsPage ssr=SsrMode::Async />
                        <Route path=path!("admin") view=AdminUsersPage ssr=SsrMode::Async />
                        <Route path=path!("admin/orgs") view=AdminOrgsPage ssr=SsrMode::Async />
                        <Route path=path!("invitations/accept") view=AcceptInvitationPage ssr=SsrMode::Async />
                        // The organization is part of the URL, so each tab can work in another.
                        <ParentRoute path=path!("o/:slug") view=OrgLayout ssr=SsrMode::Async>
                            <Route path=path!("") view=OrgOverview ssr=SsrMode::Async />
                            <Route path=path!("todos") view=TodosPage ssr=SsrMode::Async />
                            <Route path=path!("todos/:id/edit") view=TodoEditPage ssr=SsrMode::Async />
                            <Route path=path!("team") view=TeamPage ssr=SsrMode::Async />
                            <Route path=path!("settings") view=OrgSettingsPage ssr=SsrMode::Async />
                            <Route path=path!("audit") view=AuditPage ssr=SsrMode::Async />
                        </ParentRoute>
                    </Routes>
                </ErrorBoundary>
            </main>
            <footer class="site-footer">
                <p>
                    {move || i18n.t_args("footer-version", &[("version", env!("CARGO_PKG_VERSION").into())])}
                </p>
            </footer>
        </Router>
    }
}

/// The [`AppError`] inside a rendering error, or `SYS_SERVER_ERROR` for any other error.
fn as_app_error(error: &Error) -> AppError {
    error
        .downcast_ref::<AppError>()
        .cloned()
        .unwrap_or_else(|| AppError::new(crate::ErrorCode::SysServerError))
}

/// The locale and theme to render with: from the request on the server, and from what the
/// server rendered on the browser, so hydration starts from the same state.
fn initial_preferences() -> (Locale, Theme) {
    #[cfg(feature = "ssr")]
    {
        let headers = crate::request::headers();
        let locale = headers.as_ref().map_or_else(crate::request::default_locale, |h| {
            crate::request::locale(h, crate::request::default_locale())
        });
        let theme = headers.as_ref().map(crate::request::theme).unwrap_or_default();
        csp::set_header();
        (locale, theme)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let root = document().document_element();
        let attribute = |name: &str| root.as_ref().and_then(|r| r.get_attribute(name));
        (
            attribute("lang").and_then(|v| v.parse().ok()).unwrap_or_default(),
            attribute("data-theme").and_then(|v| v.parse().ok()).unwrap_or_default(),
        )
    }
}

#[cfg(feature = "ssr")]
mod csp {
    use http::{HeaderValue, header};
    use leptos::{config::Env, nonce::use_nonce, prelude::*};
    use leptos_axum::ResponseOptions;

    /// A strict Content-Security-Policy for the page: scripts only from this origin or carrying
    /// this response's nonce (the hydration and resource scripts), wasm compilation allowed.
    pub(super) fn set_header() {
        let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
        let reload = use_context::<LeptosOptions>()
            .filter(|o| matches!(o.env, Env::DEV))
            .map(|o| format!(" ws://{}:{}", o.site_addr.ip(), o.reload_port))
            .unwrap_or_default();
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        );
        if let (Some(response), Ok(value)) =
            (use_context::<ResponseOptions>(), HeaderValue::from_str(&policy))
        {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}
