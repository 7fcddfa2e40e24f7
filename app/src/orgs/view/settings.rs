//! `/o/{slug}/settings`: name and slug, ownership transfer and deletion, each shown only to the
//! roles allowed to use it.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{NavigateOptions, hooks::use_navigate};

use super::layout::{WithOrg, use_active_org};
use crate::{
    auth::view::{continue_after, use_current_user},
    files::view::LogoSettings,
    forms::{Field, FormAlert, Submit, form_error},
    i18n::use_i18n,
    orgs::{
        api::{DeleteOrg, TransferOwnership, UpdateOrg, list_members},
        model::{ORG_NAME_MAX_CHARS, OrgInput, OrgSummary, SLUG_MAX},
        permissions::{Permission, Role},
    },
};

/// `/o/{slug}/settings`.
#[component]
pub fn OrgSettingsPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <OrgSettings org /> } /> }
}

#[component]
fn OrgSettings(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    if !org.role.can(Permission::OrganizationUpdate) {
        return view! {
            <p class="notice" role="alert">{move || i18n.t("org-settings-forbidden")}</p>
        }
        .into_any();
    }
    let is_owner = org.role == Role::Owner;
    view! {
        <GeneralForm org=org.clone() />
        <LogoSettings org=org.clone() />
        {is_owner.then(|| view! { <TransferForm org=org.clone() /> })}
        {org.role.can(Permission::OrganizationDelete).then(|| view! { <DeleteForm org=org.clone() /> })}
    }
    .into_any()
}

#[component]
fn GeneralForm(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateOrg>::new();
    let error = form_error(update);
    let active = use_active_org();
    let navigate = use_navigate();
    let current_slug = org.slug.clone();
    // A new slug is a new address: follow it; a new name shows in the frame at once.
    Effect::new(move |_| {
        if let Some(Ok(saved)) = update.value().get() {
            if saved.slug == current_slug {
                active.reload.update(|n| *n += 1);
            } else {
                navigate(&format!("/o/{}/settings", saved.slug), NavigateOptions::default());
            }
        }
    });
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    view! {
        <section class="settings-block" aria-labelledby="org-general-title">
            <h2 id="org-general-title">{move || i18n.t("org-general-title")}</h2>
            <ActionForm action=update attr:novalidate=true>
                <FormAlert error />
                <input type="hidden" name="org" value=org.id.clone() />
                <Field name="name" label="field-org-name" error value=org.name.clone() maxlength=ORG_NAME_MAX_CHARS />
                <Field name="slug" label="field-org-address" error value=org.slug.clone() hint="org-slug-rules" maxlength=SLUG_MAX />
                <Submit label="org-save" pending=update.pending() />
                <Show when=saved>
                    <p role="status">{move || i18n.t("org-saved")}</p>
                </Show>
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn TransferForm(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let transfer = ServerAction::<TransferOwnership>::new();
    let error = form_error(transfer);
    let active = use_active_org();
    Effect::new(move |_| {
        if matches!(transfer.value().get(), Some(Ok(()))) {
            active.reload.update(|n| *n += 1);
        }
    });
    let me = use_current_user().get_untracked().map(|user| user.id).unwrap_or_default();
    let org_id = org.id.clone();
    let members = Resource::new(|| (), move |()| list_members(OrgInput { org: org_id.clone() }));
    let form_org = org.id.clone();
    view! {
        <section class="settings-block" aria-labelledby="transfer-title">
            <h2 id="transfer-title">{move || i18n.t("transfer-title")}</h2>
            <p>{move || i18n.t("transfer-intro")}</p>
            <Suspense fallback=|| ()>
                {
                    let (me, form_org) = (me.clone(), form_org.clone());
                    move || {
                        let (me, form_org) = (me.clone(), form_org.clone());
                        members
                            .get()
                            .and_then(Result::ok)
                            .map(move |list| {
                                let others: Vec<_> =
                                    list.into_iter().filter(|member| member.user_id != me).collect();
                                if others.is_empty() {
                                    // Nobody to hand it to: no form that could only fail.
                                    return view! { <p data-testid="transfer-nobody">{move || i18n.t("transfer-nobody")}</p> }
                                        .into_any();
                                }
                                let options = others
                                    .into_iter()
                                    .map(|member| {
                                        view! {
                                            <option value=member.user_id>
                                                {format!("{} <{}>", member.name, member.email)}
                                            </option>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <ActionForm action=transfer>
                                        <FormAlert error />
                                        <input type="hidden" name="org" value=form_org.clone() />
                                        <div class="field">
                                            <label for="transfer-to">{move || i18n.t("transfer-to")}</label>
                                            <select id="transfer-to" name="user_id" required>
                                                {options}
                                            </select>
                                        </div>
                                        <Submit label="transfer-submit" pending=transfer.pending() />
                                    </ActionForm>
                                }
                                    .into_any()
                            })
                    }
                }
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn DeleteForm(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteOrg>::new();
    continue_after(delete, "/orgs");
    let error = form_error(delete);
    let slug = org.slug.clone();
    let prompt_slug = slug.clone();
    view! {
        <section class="settings-block danger" aria-labelledby="org-delete-title">
            <h2 id="org-delete-title">{move || i18n.t("org-delete-title")}</h2>
            <p>{move || i18n.t("org-delete-intro")}</p>
            <ActionForm action=delete>
                <FormAlert error />
                <input type="hidden" name="org" value=org.id.clone() />
                // Typing the slug confirms; the browser checks it (the field is not sent).
                <div class="field">
                    <label for="org-delete-confirm">
                        {move || i18n.t_args("org-delete-confirm", &[("slug", prompt_slug.clone().into())])}
                    </label>
                    <input id="org-delete-confirm" type="text" required pattern=slug autocomplete="off" />
                </div>
                <button type="submit" class="btn btn-danger">{move || i18n.t("org-delete-submit")}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
