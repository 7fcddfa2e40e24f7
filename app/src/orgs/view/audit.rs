//! `/o/{slug}/audit`: the organization's audit log, newest first, 50 entries a page; paging is
//! a plain link (`?before=…`), so it works without JavaScript.

use leptos::prelude::*;
use leptos_router::components::A;

use super::layout::WithOrg;
use crate::{
    forms::query_param,
    i18n::{I18n, use_i18n},
    orgs::{
        api::audit_log,
        model::{AuditEvent, AuditInput, AuditPage as EventPage, OrgSummary, audit_action_key},
        permissions::Permission,
    },
    ui::{DataTable, Loaded, Time},
};

/// `/o/{slug}/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <AuditLog org /> } /> }
}

#[component]
fn AuditLog(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    if !org.role.can(Permission::AuditRead) {
        return view! { <p class="notice" role="alert">{move || i18n.t("audit-forbidden")}</p> }
            .into_any();
    }
    let before = query_param("before");
    let org_id = org.id.clone();
    let page = Resource::new(
        move || before.get(),
        move |before| audit_log(AuditInput { org: org_id.clone(), before }),
    );
    let base = format!("/o/{}/audit", org.slug);
    view! {
        <section class="settings-block" aria-labelledby="audit-title">
            <h2 id="audit-title">{move || i18n.t("audit-title")}</h2>
            <Loaded
                resource=page
                ok={move |page: EventPage| {
                    if page.events.is_empty() {
                        return view! { <p>{move || i18n.t("audit-empty")}</p> }.into_any();
                    }
                    let newer = before.get_untracked().is_some().then(|| {
                        view! { <A href=base.clone()>{move || i18n.t("audit-newest")}</A> }
                    });
                    let older = page.next.clone().map(|next| {
                        view! {
                            <A href=format!("{base}?before={next}") attr:rel="next">
                                {move || i18n.t("audit-older")}
                            </A>
                        }
                    });
                    view! {
                        <AuditTable events=page.events />
                        <nav class="pager" aria-label=move || i18n.t("audit-pages")>
                            {newer}
                            {older}
                        </nav>
                    }
                        .into_any()
                }}
            />
        </section>
    }
    .into_any()
}

#[component]
fn AuditTable(events: Vec<AuditEvent>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <DataTable columns=crate::ui::AUDIT_COLUMNS testid="audit">
            {events
                .into_iter()
                .map(|event| {
                    let key = audit_action_key(&event.action);
                    let details = describe(i18n, &event.details);
                    view! {
                        <tr data-action=event.action.clone()>
                            <td><Time at=event.created_at.clone() /></td>
                            <td>{event.actor.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{move || i18n.t(&key)}</td>
                            <td>{event.target.clone().unwrap_or_default()}</td>
                            <td>{details}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}

/// The particulars of an entry as text: `name: old → new`, `role: admin`, ….
fn describe(i18n: I18n, details: &serde_json::Value) -> String {
    // Role names are shown in the reader's language.
    crate::ui::describe(details, &["invited_by"], |s| {
        s.parse::<crate::orgs::permissions::Role>()
            .map_or_else(|()| s.to_owned(), |role| i18n.t(role.label_key()))
    })
}
