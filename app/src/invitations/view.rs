//! `/invitations/accept?token=…`: what the link invites to, and accept or decline. Without an
//! account for the invited address it leads to sign-up, with one to sign-in, and back here.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use super::{
    api::{AcceptInvitation, DeclineInvitation, preview_invitation},
    model::{InvitationPreview, InvitationTokenInput},
};
use crate::{
    auth::{
        api::SignOut,
        model::percent_encode,
        view::{continue_after, use_current_user},
    },
    forms::{FormAlert, form_error, query_param},
    i18n::use_i18n,
    ui::{AuthCard, ErrorView},
};

/// `/invitations/accept?token=…`.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = query_param("token");
    let preview = Resource::new(
        move || token.get().unwrap_or_default(),
        |token| preview_invitation(InvitationTokenInput { token }),
    );
    view! {
        <AuthCard id="invitation-title" title="invitation-title">
            // Not `Loaded`: a dead link reads as a sentence (expired, used, withdrawn), with the
            // error code only when it is something else.
            <Suspense fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
                {move || {
                    preview
                        .get()
                        .map(|result| match result {
                            Ok(preview) => view! { <Invitation preview /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <p class="form-alert" role="alert">
                                        {crate::forms::error_message(i18n, &error)}
                                    </p>
                                    <ErrorCodeOnly error />
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </AuthCard>
    }
    .into_any()
}

/// The error code under a failed link, for support.
#[component]
fn ErrorCodeOnly(error: crate::error::AppError) -> impl IntoView {
    if error.code == crate::error::ErrorCode::BizInvalidState {
        ().into_any()
    } else {
        view! { <ErrorView error /> }.into_any()
    }
}

#[component]
fn Invitation(preview: InvitationPreview) -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let token = query_param("token");
    let accept = ServerAction::<AcceptInvitation>::new();
    let decline = ServerAction::<DeclineInvitation>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let accept_error = form_error(accept);
    let decline_error = form_error(decline);
    let navigate = use_navigate();
    // Joined (which also confirmed the address): reload the user, then open the organization.
    Effect::new(move |_| {
        if let Some(Ok(org)) = accept.value().get() {
            let navigate = navigate.clone();
            current.refresh_then(move || {
                navigate(&format!("/o/{}", org.slug), NavigateOptions::default());
            });
        }
    });
    continue_after(decline, "/?invitation_declined=1");
    let user_email = Memo::new(move |_| current.get().map(|user| user.email));
    let here = move || {
        format!("/invitations/accept?token={}", percent_encode(&token.get().unwrap_or_default()))
    };
    let email = preview.email.clone();
    let role = preview.role;
    let summary = {
        let args = (preview.organization.clone(), preview.invited_by.clone());
        move || {
            let role_name = i18n.t(role.label_key());
            match &args.1 {
                Some(inviter) => i18n.t_args(
                    "invitation-from",
                    &[
                        ("inviter", inviter.clone().into()),
                        ("organization", args.0.clone().into()),
                        ("role", role_name.into()),
                    ],
                ),
                None => i18n.t_args(
                    "invitation-to",
                    &[("organization", args.0.clone().into()), ("role", role_name.into())],
                ),
            }
        }
    };
    let token_field = move || {
        view! { <input type="hidden" name="token" value=token.get().unwrap_or_default() /> }
    };
    let decline_form = move || {
        view! {
            <ActionForm action=decline>
                <FormAlert error=decline_error />
                {token_field()}
                <button type="submit" class="btn btn-secondary">{move || i18n.t("invitation-decline")}</button>
            </ActionForm>
        }
    };
    view! {
        <p data-testid="invitation-summary">{summary}</p>
        {move || {
            let email = email.clone();
            match user_email.get() {
                Some(mine) if mine == email => {
                    view! {
                        <ActionForm action=accept>
                            <FormAlert error=accept_error />
                            {token_field()}
                            <button type="submit" class="btn btn-primary">{move || i18n.t("invitation-accept")}</button>
                        </ActionForm>
                        {decline_form()}
                    }
                        .into_any()
                }
                Some(mine) => {
                    view! {
                        <p class="notice" role="alert">
                            {move || {
                                i18n.t_args(
                                    "invitation-other-email",
                                    &[("email", email.clone().into()), ("current", mine.clone().into())],
                                )
                            }}
                        </p>
                        <ActionForm action=sign_out>
                            <button type="submit" class="btn btn-secondary">{move || i18n.t("sign-out")}</button>
                        </ActionForm>
                    }
                        .into_any()
                }
                None => {
                    let (path, key) = if preview.has_account {
                        ("/sign-in", "invitation-sign-in")
                    } else {
                        ("/sign-up", "invitation-sign-up")
                    };
                    let href = format!(
                        "{path}?email={}&next={}",
                        percent_encode(&email),
                        percent_encode(&here()),
                    );
                    view! {
                        <p>{move || i18n.t_args("invitation-for", &[("email", email.clone().into())])}</p>
                        <A href=href attr:class="btn btn-primary">{move || i18n.t(key)}</A>
                        {decline_form()}
                    }
                        .into_any()
                }
            }
        }}
    }
    .into_any()
}
