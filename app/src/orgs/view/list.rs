//! `/orgs`: pick one of the caller's organizations, or create one. A new user without an
//! organization lands here first (onboarding).

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};

use crate::{
    account::view::RequireUser,
    forms::{Field, FormAlert, Submit, form_error},
    i18n::use_i18n,
    orgs::{
        api::{CreateOrg, list_orgs},
        model::{ORG_NAME_MAX_CHARS, OrgSummary, SLUG_MAX},
    },
    ui::{Avatar, Loaded, PageHeader},
};

/// `/orgs`.
#[component]
pub fn OrgsPage() -> impl IntoView {
    view! {
        <RequireUser>
            <Orgs />
        </RequireUser>
    }
    .into_any()
}

#[component]
fn Orgs() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateOrg>::new();
    let error = form_error(create);
    let navigate = use_navigate();
    // A new organization opens at once (the server redirects plain form posts the same way).
    Effect::new(move |_| {
        if let Some(Ok(org)) = create.value().get() {
            navigate(&format!("/o/{}", org.slug), leptos_router::NavigateOptions::default());
        }
    });
    let orgs = Resource::new(|| (), |()| list_orgs());
    view! {
        <section class="settings" aria-labelledby="orgs-title">
            <Loaded
                resource=orgs
                ok={move |list: Vec<OrgSummary>| {
                    if list.is_empty() {
                        view! {
                            <PageHeader id="orgs-title" title=move || i18n.t("onboarding-title") />
                            <p class="lead" data-testid="orgs-empty">{move || i18n.t("orgs-empty")}</p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <PageHeader id="orgs-title" title=move || i18n.t("orgs-title") lead=move || i18n.t("orgs-pick") />
                            <OrgList list />
                        }
                            .into_any()
                    }
                }}
            />
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
    .into_any()
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
                            <Avatar name=org.name.clone() src=org.logo.map(|logo| logo.small) logo=true />
                            <span class="org-list-name">
                                <A href=format!("/o/{}", org.slug)>
                                    <strong>{org.name}</strong>
                                </A>
                                <code>{org.slug}</code>
                            </span>
                            <span class="badge org-list-role">{move || i18n.t(role.label_key())}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
