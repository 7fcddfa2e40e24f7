//! `/orgs`: the caller's organizations and a form to create one.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{CreateOrg, list_orgs},
    model::{ORG_NAME_MAX_CHARS, OrgSummary, SLUG_MAX},
};
use crate::{
    account::view::RequireUser,
    forms::{Field, FormAlert, Submit, form_error},
    i18n::use_i18n,
};

/// `/orgs`.
#[component]
pub fn OrgsPage() -> impl IntoView {
    view! {
        <RequireUser>
            <Orgs />
        </RequireUser>
    }
}

#[component]
fn Orgs() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateOrg>::new();
    let error = form_error(create);
    let orgs = Resource::new(move || create.version().get(), |_| list_orgs());
    view! {
        <section class="settings" aria-labelledby="orgs-title">
            <h1 id="orgs-title">{move || i18n.t("orgs-title")}</h1>
            <Suspense fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
                {move || {
                    orgs.get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! { <p data-testid="orgs-empty">{move || i18n.t("orgs-empty")}</p> }
                                    .into_any()
                            }
                            Ok(list) => view! { <OrgList list /> }.into_any(),
                            Err(error) => view! { <crate::shell::ErrorView error /> }.into_any(),
                        })
                }}
            </Suspense>
            <section class="settings-block" aria-labelledby="org-create-title">
                <h2 id="org-create-title">{move || i18n.t("org-create-title")}</h2>
                <ActionForm action=create attr:novalidate=true>
                    <FormAlert error />
                    <Field name="name" label="field-org-name" error maxlength=ORG_NAME_MAX_CHARS />
                    <Field name="slug" label="field-org-slug" error hint="org-slug-hint" maxlength=SLUG_MAX optional=true />
                    <Submit label="org-create-submit" pending=create.pending() />
                </ActionForm>
            </section>
        </section>
    }
}

#[component]
fn OrgList(list: Vec<OrgSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="org-list" data-testid="orgs">
            {list
                .into_iter()
                .map(|org| {
                    let role = org.role;
                    view! {
                        <li>
                            <strong>{org.name}</strong>
                            " "
                            <code>{org.slug}</code>
                            " · "
                            <span>{move || i18n.t(role.label_key())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
