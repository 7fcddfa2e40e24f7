//! The HTML document and the root component.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

use super::{
    header::Header,
    lazy::{PageLoadError, PageLoadFailure},
    routes::{
        AcceptInvitationRoute, AdminOrgsRoute, AdminUsersRoute, AuditRoute, BillingRoute,
        CheckEmailRoute, CheckoutRoute, CodeSignInRoute, ConfirmEmailRoute, ForgotPasswordRoute,
        HomeRoute, MagicLinkRequestRoute, MagicLinkRoute, OrgLayoutRoute, OrgOverviewRoute,
        OrgSettingsRoute, OrgsRoute, ProfileRoute, ResetPasswordRoute, SecurityRoute, SignInRoute,
        SignUpRoute, TeamRoute, TodoEditRoute, TodosRoute, VerifyEmailRoute,
    },
};
use crate::{
    admin::view::ImpersonationBanner,
    auth::view::{VerifyBanner, provide_current_user},
    error::AppError,
    i18n::{I18n, Locale, time::TimeZone},
    preferences::{Theme, view::ThemeContext},
    ui::{ErrorView, NotFound},
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
                // `pkg/saas.<hash>.css`: the name changes with the content, so it is cached for good.
                <HashedStylesheet options=options.clone() id="leptos" />
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
    let current = provide_current_user();
    crate::preferences::view::follow_signed_in_locale(i18n, current);
    provide_context(TimeZone(Signal::derive(move || {
        current.get().and_then(|user| user.time_zone)
    })));
    crate::preferences::view::report_time_zone(current);
    PageLoadFailure::provide();
    crate::orgs::view::OrgsChanged::provide();

    view! {
        <Html attr:lang=move || i18n.locale.get().as_str() attr:data-theme=move || theme.0.get().as_str() />
        // Plain strings: leptos_meta renders these outside the reactive owner on the server.
        <Title text=i18n.t("app-name") />
        <Meta name="description" content=i18n.t("meta-description") />
        <Router>
            <a class="skip-link" href="#main">
                {move || i18n.t("skip-to-content")}
            </a>
            <Header />
            <ImpersonationBanner />
            <VerifyBanner />
            <main id="main" tabindex="-1">
                <PageLoadError />
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
                        <Route path=path!("") view={Lazy::<HomeRoute>::new()} />
                        <Route path=path!("sign-up") view={Lazy::<SignUpRoute>::new()} />
                        <Route path=path!("sign-in") view={Lazy::<SignInRoute>::new()} />
                        <Route path=path!("sign-in/link") view={Lazy::<MagicLinkRequestRoute>::new()} />
                        <Route path=path!("sign-in/code") view={Lazy::<CodeSignInRoute>::new()} />
                        <Route path=path!("check-email") view={Lazy::<CheckEmailRoute>::new()} />
                        <Route path=path!("verify-email") view={Lazy::<VerifyEmailRoute>::new()} />
                        <Route path=path!("magic-link") view={Lazy::<MagicLinkRoute>::new()} />
                        <Route path=path!("forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} />
                        <Route path=path!("reset-password") view={Lazy::<ResetPasswordRoute>::new()} />
                        <Route path=path!("account") view={Lazy::<ProfileRoute>::new()} />
                        // Rendered complete before sending: the sessions list is in the HTML,
                        // also without JavaScript.
                        <Route path=path!("account/security") view={Lazy::<SecurityRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("confirm-email") view={Lazy::<ConfirmEmailRoute>::new()} />
                        <Route path=path!("orgs") view={Lazy::<OrgsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("admin") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("admin/orgs") view={Lazy::<AdminOrgsRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("invitations/accept") view={Lazy::<AcceptInvitationRoute>::new()} ssr=SsrMode::Async />
                        <Route path=path!("billing/checkout/:session") view={Lazy::<CheckoutRoute>::new()} ssr=SsrMode::Async />
                        // The organization is part of the URL, so each tab can work in another.
                        <ParentRoute path=path!("o/:slug") view={Lazy::<OrgLayoutRoute>::new()} ssr=SsrMode::Async>
                            <Route path=path!("") view={Lazy::<OrgOverviewRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("todos") view={Lazy::<TodosRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("todos/:id/edit") view={Lazy::<TodoEditRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("team") view={Lazy::<TeamRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("settings") view={Lazy::<OrgSettingsRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                            <Route path=path!("billing") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async />
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

/// Marks the document once the wasm has taken over (every page on screen hydrated), so styles
/// and tests can tell.
pub fn mark_hydrated() {
    crate::ui::hydration_done();
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
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
        let theme =
            headers.as_ref().map(crate::preferences::model::stored_theme).unwrap_or_default();
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
