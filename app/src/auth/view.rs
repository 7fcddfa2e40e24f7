//! Account pages and the pieces of the shell that depend on the signed-in user. Every form is a
//! server-function form: without JavaScript it posts and the server redirects (errors come back
//! in the URL); with JavaScript it shows field errors inline and a pending state.

use leptos::{form::ActionForm, prelude::*, server_fn::ServerFn};
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use super::{
    api::{
        CodeSignIn, MagicLinkSignIn, RequestCode, RequestMagicLink, RequestPasswordReset,
        ResendVerification, ResetPassword, SignIn, SignOut, SignUp, VerifyEmail, current_user,
    },
    model::{
        PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, SessionUser, percent_encode, safe_return_path,
    },
};
use crate::{
    error::AppError,
    forms::{Field, FormAlert, Submit, form_error, query_param},
    i18n::use_i18n,
    ui::{AuthCard, Banner},
};

/// The signed-in user of the page, shared by the shell and the pages.
#[derive(Clone, Copy)]
pub struct CurrentUserContext {
    user: RwSignal<Option<SessionUser>>,
    /// The number of the latest reload: an answer to an older one is stale (requests may come
    /// back out of order, e.g. queued behind a page's chunks) and is dropped.
    latest: StoredValue<u64>,
}

impl CurrentUserContext {
    /// The signed-in user, if any.
    pub fn get(self) -> Option<SessionUser> {
        self.user.get()
    }

    /// The signed-in user, without tracking (for initial form values).
    pub fn get_untracked(self) -> Option<SessionUser> {
        self.user.get_untracked()
    }

    /// Loads the user again from the server (after signing in or out).
    pub fn refresh(self) {
        self.refresh_then(|| ());
    }

    /// Loads the user again, then runs `next` (e.g. navigates).
    pub fn refresh_then(self, next: impl FnOnce() + 'static) {
        let Self { user, latest } = self;
        let this = latest.get_value() + 1;
        latest.set_value(this);
        leptos::task::spawn_local(async move {
            if let Ok(current) = current_user().await
                && latest.get_value() == this
            {
                user.set(current);
            }
            next();
        });
    }
}

/// Provides [`CurrentUserContext`]; called once by the app shell. The server knows the user
/// from the request before rendering, and sends it along in the page for hydration, so the
/// header is complete in the HTML itself (also without JavaScript) and never flashes.
pub fn provide_current_user() -> CurrentUserContext {
    let initial = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            super::server::AuthContext::current().map(|auth| auth.user)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<SessionUser>
        }
    });
    let context = CurrentUserContext {
        user: RwSignal::new(initial.into_inner()),
        latest: StoredValue::new(0),
    };
    provide_context(context);
    context
}

/// The [`CurrentUserContext`] of the app.
pub fn use_current_user() -> CurrentUserContext {
    expect_context::<CurrentUserContext>()
}

/// Reloads the signed-in user whenever `action` succeeds.
pub(crate) fn refresh_user_on_success<S>(action: ServerAction<S>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let current = use_current_user();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            current.refresh();
        }
    });
}

/// After `action` changes who is signed in: loads the user, then goes to `?next=` (a same-site
/// path) or `fallback`. Plain form posts get the same target as a redirect from the server.
pub(crate) fn continue_after<S>(action: ServerAction<S>, fallback: &'static str)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let current = use_current_user();
    let next = query_param("next");
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            let target = safe_return_path(next.get_untracked().as_deref())
                .unwrap_or_else(|| fallback.to_owned());
            let navigate = navigate.clone();
            current.refresh_then(move || navigate(&target, NavigateOptions::default()));
        }
    });
}

/// Hidden `return_to` carried through a sign-in form from `?next=`.
#[component]
fn ReturnTo() -> impl IntoView {
    let next = query_param("next");
    move || next.get().map(|next| view! { <input type="hidden" name="return_to" value=next /> })
}

/// Links between the ways to sign in.
#[component]
fn SignInMethods(current: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let next = query_param("next");
    let link = move |path: &'static str| {
        next.get()
            .map_or_else(|| path.to_owned(), |n| format!("{path}?next={}", percent_encode(&n)))
    };
    let item = move |path: &'static str, key: &'static str| {
        let is_current = current == path;
        view! {
            <li>
                <a href=move || link(path) aria-current=is_current.then_some("page")>
                    {move || i18n.t(key)}
                </a>
            </li>
        }
    };
    view! {
        <nav class="tabs" aria-label=move || i18n.t("sign-in-methods")>
            <ul>
                {item("/sign-in", "sign-in-with-password")}
                {item("/sign-in/link", "sign-in-with-link")}
                {item("/sign-in/code", "sign-in-with-code")}
            </ul>
        </nav>
    }
}

/// `/sign-up`.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignUp>::new();
    continue_after(action, "/orgs");
    let error = form_error(action);
    view! {
        <AuthCard id="sign-up-title" title="sign-up-title">
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="name" label="field-name" error autocomplete="name" maxlength=100 />
                <Field name="email" label="field-email" error kind="email" autocomplete="email" maxlength=254 value=query_param("email").get_untracked().unwrap_or_default() />
                <Field
                    name="password"
                    label="field-password"
                    error
                    kind="password"
                    autocomplete="new-password"
                    hint="password-hint"
                    minlength=PASSWORD_MIN_CHARS
                    maxlength=PASSWORD_MAX_CHARS
                />
                <ReturnTo />
                <Submit label="sign-up-submit" pending=action.pending() />
            </ActionForm>
            <p class="auth-alt">
                {move || i18n.t("sign-up-have-account")} " "
                <A href="/sign-in">{move || i18n.t("sign-in-link")}</A>
            </p>
        </AuthCard>
    }
}

/// `/sign-in`: email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    continue_after(action, "/orgs");
    let error = form_error(action);
    view! {
        <AuthCard id="sign-in-title" title="sign-in-title">
            <SignInMethods current="/sign-in" />
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="email" label="field-email" error kind="email" autocomplete="email" maxlength=254 value=query_param("email").get_untracked().unwrap_or_default() />
                <Field
                    name="password"
                    label="field-password"
                    error
                    kind="password"
                    autocomplete="current-password"
                    maxlength=PASSWORD_MAX_CHARS
                />
                <ReturnTo />
                <Submit label="sign-in-submit" pending=action.pending() />
            </ActionForm>
            <p class="auth-alt">
                <A href="/forgot-password">{move || i18n.t("forgot-password-link")}</A>
            </p>
            <p class="auth-alt">
                {move || i18n.t("sign-in-no-account")} " "
                <A href="/sign-up">{move || i18n.t("sign-up-link")}</A>
            </p>
        </AuthCard>
    }
}

/// `/sign-in/link`: request a magic link.
#[component]
pub fn MagicLinkRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestMagicLink>::new();
    let error = form_error(action);
    view! {
        <AuthCard id="magic-title" title="sign-in-title">
            <SignInMethods current="/sign-in/link" />
            <p>{move || i18n.t("magic-link-intro")}</p>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="email" label="field-email" error kind="email" autocomplete="email" maxlength=254 value=query_param("email").get_untracked().unwrap_or_default() />
                <ReturnTo />
                <Submit label="magic-link-submit" pending=action.pending() />
            </ActionForm>
        </AuthCard>
    }
}

/// `/sign-in/code`: request a code, then enter it.
#[component]
pub fn CodeSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestCode>::new();
    let request_error = form_error(request);
    let submit = ServerAction::<CodeSignIn>::new();
    continue_after(submit, "/orgs");
    let submit_error = form_error(submit);
    let sent = query_param("sent");
    let email = query_param("email");
    view! {
        <AuthCard id="code-title" title="sign-in-title">
            <SignInMethods current="/sign-in/code" />
            <Show
                when=move || sent.get().is_some()
                fallback=move || {
                    view! {
                        <p>{move || i18n.t("code-intro")}</p>
                        <ActionForm action=request attr:novalidate=true>
                            <FormAlert error=request_error />
                            <Field name="email" label="field-email" error=request_error kind="email" autocomplete="email" maxlength=254 />
                            <ReturnTo />
                            <Submit label="code-request-submit" pending=request.pending() />
                        </ActionForm>
                    }
                }
            >
                <p role="status">{move || i18n.t("code-sent")}</p>
                <ActionForm action=submit attr:novalidate=true>
                    <FormAlert error=submit_error />
                    <Field name="email" label="field-email" error=submit_error kind="email" autocomplete="email" value=email.get_untracked().unwrap_or_default() maxlength=254 />
                    <Field name="code" label="field-code" error=submit_error autocomplete="one-time-code" inputmode="numeric" minlength=6 maxlength=6 />
                    <ReturnTo />
                    <Submit label="code-submit" pending=submit.pending() />
                </ActionForm>
                <p class="auth-alt">
                    <A href="/sign-in/code">{move || i18n.t("code-request-again")}</A>
                </p>
            </Show>
        </AuthCard>
    }
}

/// `/check-email`: after asking for a mail.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let purpose = query_param("for");
    let body = move || match purpose.get().as_deref() {
        Some("reset") => i18n.t("check-email-reset"),
        Some("magic-link") => i18n.t("check-email-magic-link"),
        _ => i18n.t("check-email-body"),
    };
    view! {
        <AuthCard id="check-email-title" title="check-email-title">
            <p role="status">{body}</p>
            <p class="auth-alt">
                <A href="/sign-in">{move || i18n.t("back-to-sign-in")}</A>
            </p>
        </AuthCard>
    }
}

/// The hidden fields of a form that redeems a mailed link: its `token` and `next`.
#[component]
pub(crate) fn TokenFields() -> impl IntoView {
    let token = query_param("token");
    view! {
        <input type="hidden" name="token" value=move || token.get().unwrap_or_default() />
        <ReturnTo />
    }
}

/// `/verify-email?token=…`. One button redeems the link, so a mail scanner that follows links
/// does not use it up.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<VerifyEmail>::new();
    continue_after(action, "/?verified=1");
    let error = form_error(action);
    view! {
        <AuthCard id="verify-title" title="verify-title">
            <p>{move || i18n.t("verify-body")}</p>
            <ActionForm action>
                <FormAlert error />
                <TokenFields />
                <Submit label="verify-submit" pending=action.pending() />
            </ActionForm>
        </AuthCard>
    }
}

/// `/magic-link?token=…`, confirmed with one button like [`VerifyEmailPage`].
#[component]
pub fn MagicLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<MagicLinkSignIn>::new();
    continue_after(action, "/orgs");
    let error = form_error(action);
    view! {
        <AuthCard id="magic-link-title" title="magic-link-title">
            <p>{move || i18n.t("magic-link-body")}</p>
            <ActionForm action>
                <FormAlert error />
                <TokenFields />
                <Submit label="magic-link-confirm" pending=action.pending() />
            </ActionForm>
            <p class="auth-alt">
                <A href="/sign-in/link">{move || i18n.t("magic-link-request-again")}</A>
            </p>
        </AuthCard>
    }
}

/// `/forgot-password`.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = form_error(action);
    view! {
        <AuthCard id="forgot-title" title="forgot-title">
            <p>{move || i18n.t("forgot-intro")}</p>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="email" label="field-email" error kind="email" autocomplete="email" maxlength=254 value=query_param("email").get_untracked().unwrap_or_default() />
                <Submit label="forgot-submit" pending=action.pending() />
            </ActionForm>
            <p class="auth-alt">
                <A href="/sign-in">{move || i18n.t("back-to-sign-in")}</A>
            </p>
        </AuthCard>
    }
}

/// `/reset-password?token=…`.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    continue_after(action, "/orgs");
    let error = form_error(action);
    let token = query_param("token");
    view! {
        <AuthCard id="reset-title" title="reset-title">
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <input type="hidden" name="token" value=move || token.get().unwrap_or_default() />
                <Field
                    name="password"
                    label="field-new-password"
                    error
                    kind="password"
                    autocomplete="new-password"
                    hint="password-hint"
                    minlength=PASSWORD_MIN_CHARS
                    maxlength=PASSWORD_MAX_CHARS
                />
                <Submit label="reset-submit" pending=action.pending() />
            </ActionForm>
        </AuthCard>
    }
}

/// The sign-out button of the account menu; afterwards the browser goes home.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = ServerAction::<SignOut>::new();
    continue_after(sign_out, "/");
    view! {
        <ActionForm action=sign_out>
            <button type="submit" class="menu-item">
                {move || i18n.t("sign-out")}
            </button>
        </ActionForm>
    }
}

/// Sign in and sign up, in the header of a visitor.
#[component]
pub fn VisitorLinks() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href="/sign-in" attr:class="btn btn-quiet">{move || i18n.t("sign-in-link")}</A>
        <A href="/sign-up" attr:class="btn btn-primary">{move || i18n.t("sign-up-link")}</A>
    }
}

/// The reminder shown to a signed-in user whose address is not confirmed yet.
#[component]
pub fn VerifyBanner() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let resend = ServerAction::<ResendVerification>::new();
    let error = form_error(resend);
    let sent = move || matches!(resend.value().get(), Some(Ok(())));
    view! {
            {move || {
                current
                    .get()
                    .filter(|user| !user.email_verified)
                    .map(|user| {
                        view! {
                            <Banner testid="verify-banner">
                                <p>{move || i18n.t_args("verify-banner", &[("email", user.email.clone().into())])}</p>
                                <ActionForm action=resend>
                                    <button type="submit" class="btn btn-quiet">
                                        {move || i18n.t("verify-resend")}
                                    </button>
                                </ActionForm>
                                <Show when=sent>
                                    <p>{move || i18n.t("verify-resent")}</p>
                                </Show>
                                <FormAlert error />
                            </Banner>
                        }
                    })
            }}
    }
}
