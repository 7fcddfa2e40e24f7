//! Account settings pages: profile (`/account`) and security (`/account/security`), plus the
//! page that confirms a new address (`/confirm-email`). Every form works without JavaScript.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::Redirect, hooks::use_location};

use super::{
    api::{
        ChangePassword, ConfirmEmailChange, DeleteAccount, RequestEmailChange, RevokeOtherSessions,
        RevokeSession, UpdateProfile, list_sessions,
    },
    model::SessionInfo,
};
use crate::{
    auth::{
        api::SignOut,
        model::{EMAIL_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, percent_encode},
        view::{TokenFields, continue_after, refresh_user_on_success, use_current_user},
    },
    files::view::AvatarSettings,
    forms::{Field, FormAlert, Submit, form_error, query_param},
    i18n::{Locale, use_i18n},
    ui::{AuthCard, DataTable, Loaded, PageHeader, Tabs, Time},
};

/// Renders `children` for a signed-in user; sends anyone else to sign in, and back here after.
#[component]
pub fn RequireUser(children: ChildrenFn) -> impl IntoView {
    let current = use_current_user();
    let location = use_location();
    // Only a sign-in or sign-out re-renders the page, not an edit of the profile.
    let signed_in = Memo::new(move |_| current.get().is_some());
    // Signed out on this page (sign-out, deleting the account): the action that did it goes on
    // to its own page (with its confirmation); a redirect to sign-in here would overtake it.
    let arrived_signed_in = signed_in.get_untracked();
    move || {
        if signed_in.get() {
            children().into_any()
        } else if arrived_signed_in {
            ().into_any()
        } else {
            // Untracked: the redirect itself changes the location, and reacting to that would
            // redirect again from the sign-in page before this page is gone.
            let (path, search) =
                (location.pathname.get_untracked(), location.search.get_untracked());
            let here = if search.is_empty() { path } else { format!("{path}?{search}") };
            view! { <Redirect path=format!("/sign-in?next={}", percent_encode(&here)) /> }
                .into_any()
        }
    }
}

/// Tabs between the settings pages.
#[component]
fn SettingsNav() -> impl IntoView {
    let items = vec![
        ("/account".to_owned(), "settings-profile"),
        ("/account/security".to_owned(), "settings-security"),
    ];
    view! { <Tabs label="settings-nav" items /> }
}

/// `/account`: picture, name, language and address.
#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <RequireUser>
            <ProfileForm />
        </RequireUser>
    }
}

#[component]
fn ProfileForm() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let action = ServerAction::<UpdateProfile>::new();
    refresh_user_on_success(action);
    let error = form_error(action);
    let email_changed = query_param("email_changed");
    // Apply a new language at once once it is saved.
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get()
            && let Ok(locale) = user.locale.parse::<Locale>()
        {
            i18n.locale.set(locale);
        }
    });
    let user = current.get_untracked().unwrap_or_default();
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    view! {
        <section class="settings" aria-labelledby="profile-title">
            <PageHeader id="profile-title" title=move || i18n.t("settings-title") />
            <SettingsNav />
            <Show when=move || email_changed.get().is_some()>
                <p role="status" class="notice">{move || i18n.t("email-changed")}</p>
            </Show>
            <div class="profile-head">
                <AvatarSettings />
                <dl>
                    <dt>{move || i18n.t("field-email")}</dt>
                    <dd data-testid="profile-email">{user.email.clone()}</dd>
                </dl>
            </div>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="name" label="field-name" error autocomplete="name" value=user.name.clone() maxlength=100 />
                <div class="field">
                    <label for="field-locale">{move || i18n.t("field-language")}</label>
                    <select id="field-locale" name="locale">
                        {Locale::ALL
                            .into_iter()
                            .map(|locale| {
                                view! {
                                    <option value=locale.as_str() lang=locale.as_str() selected=user.locale == locale.as_str()>
                                        {locale.native_name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Submit label="profile-save" pending=action.pending() />
                <Show when=saved>
                    <p role="status">{move || i18n.t("profile-saved")}</p>
                </Show>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// `/account/security`: password, address, sessions, deletion.
#[component]
pub fn SecurityPage() -> impl IntoView {
    view! {
        <RequireUser>
            <SecuritySettings />
        </RequireUser>
    }
}

#[component]
fn SecuritySettings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="settings" aria-labelledby="security-title">
            <PageHeader id="security-title" title=move || i18n.t("settings-title") />
            <SettingsNav />
            <ChangePasswordForm />
            <ChangeEmailForm />
            <SessionsList />
            <DeleteAccountForm />
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ChangePassword>::new();
    let error = form_error(action);
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="settings-block" aria-labelledby="password-title">
            <h2 id="password-title">{move || i18n.t("password-title")}</h2>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="current_password" label="field-current-password" error kind="password" autocomplete="current-password" maxlength=PASSWORD_MAX_CHARS />
                <Field
                    name="new_password"
                    label="field-new-password"
                    error
                    kind="password"
                    autocomplete="new-password"
                    hint="password-hint"
                    minlength=PASSWORD_MIN_CHARS
                    maxlength=PASSWORD_MAX_CHARS
                />
                <Submit label="password-save" pending=action.pending() />
                <Show when=done>
                    <p role="status">{move || i18n.t("password-changed")}</p>
                </Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangeEmailForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RequestEmailChange>::new();
    let error = form_error(action);
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="settings-block" aria-labelledby="email-title">
            <h2 id="email-title">{move || i18n.t("email-title")}</h2>
            <p>{move || i18n.t("email-intro")}</p>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="new_email" label="field-new-email" error kind="email" autocomplete="email" maxlength=EMAIL_MAX_CHARS />
                <Field name="password" label="field-password" error kind="password" autocomplete="current-password" maxlength=PASSWORD_MAX_CHARS />
                <Submit label="email-submit" pending=action.pending() />
                <Show when=sent>
                    <p role="status">{move || i18n.t("email-sent")}</p>
                </Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn SessionsList() -> impl IntoView {
    let i18n = use_i18n();
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    let sign_out = ServerAction::<SignOut>::new();
    continue_after(sign_out, "/");
    let sessions = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_sessions(),
    );
    let error = form_error(revoke);
    view! {
        <section class="settings-block" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{move || i18n.t("sessions-title")}</h2>
            <FormAlert error />
            <Loaded resource=sessions ok=move |list| view! { <SessionTable list revoke sign_out /> } />
            <ActionForm action=revoke_others>
                <button type="submit" class="btn btn-secondary">{move || i18n.t("sessions-revoke-others")}</button>
            </ActionForm>
        </section>
    }
}

/// "Chrome on Linux", or what is known of it; the raw `User-Agent` when nothing is recognised.
fn device_name(i18n: crate::i18n::I18n, session: &SessionInfo) -> impl IntoView + use<> {
    let (browser, os) = (session.browser.clone(), session.os.clone());
    let raw = session.user_agent.clone().unwrap_or_else(|| "—".into());
    move || match (&browser, &os) {
        (Some(browser), Some(os)) => i18n.t_args(
            "sessions-device-on",
            &[("browser", browser.as_str().into()), ("os", os.as_str().into())],
        ),
        (Some(name), None) | (None, Some(name)) => name.clone(),
        (None, None) => raw.clone(),
    }
}

#[component]
fn SessionTable(
    list: Vec<SessionInfo>,
    revoke: ServerAction<RevokeSession>,
    sign_out: ServerAction<SignOut>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <DataTable columns=&["sessions-device", "sessions-ip", "sessions-last-seen"] actions=true class="sessions" testid="sessions">
            {list
                .into_iter()
                .map(|session| {
                    let current = session.current;
                    view! {
                        <tr class:current=current>
                            <td title=session.user_agent.clone()>
                                {device_name(i18n, &session)}
                                {current.then(|| view! { " " <strong>{move || i18n.t("sessions-this-device")}</strong> })}
                            </td>
                            <td>{session.ip.clone().unwrap_or_else(|| "—".into())}</td>
                            <td><Time at=session.last_seen_at.clone() /></td>
                            <td>
                                {if current {
                                    view! {
                                        <ActionForm action=sign_out>
                                            <button type="submit" class="btn btn-quiet">
                                                {move || i18n.t("sign-out")}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="id" value=session.id.clone() />
                                            <button type="submit" class="btn btn-quiet">
                                                {move || i18n.t("sessions-revoke")}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
}

#[component]
fn DeleteAccountForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DeleteAccount>::new();
    continue_after(action, "/?account_deleted=1");
    let error = form_error(action);
    view! {
        <section class="settings-block danger" aria-labelledby="delete-title">
            <h2 id="delete-title">{move || i18n.t("delete-title")}</h2>
            <p>{move || i18n.t("delete-intro")}</p>
            <ActionForm action attr:novalidate=true>
                <FormAlert error />
                <Field name="password" id="delete-password" label="field-password" error kind="password" autocomplete="current-password" maxlength=PASSWORD_MAX_CHARS />
                <Submit label="delete-submit" pending=action.pending() danger=true />
            </ActionForm>
        </section>
    }
}

/// `/confirm-email?token=…`: moves the account to the new address with one button.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ConfirmEmailChange>::new();
    continue_after(action, "/account?email_changed=1");
    let error = form_error(action);
    view! {
        <AuthCard id="confirm-email-title" title="confirm-email-title">
            <p>{move || i18n.t("confirm-email-body")}</p>
            <ActionForm action>
                <FormAlert error />
                <TokenFields />
                <Submit label="confirm-email-submit" pending=action.pending() />
            </ActionForm>
        </AuthCard>
    }
}
