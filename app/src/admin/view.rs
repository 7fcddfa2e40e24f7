//! `/admin` (accounts and the administrators' log) and `/admin/orgs`, plus the banner shown
//! while an administrator acts as someone else. Every action is a form that works without
//! JavaScript.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::{A, Form};

use super::{
    api::{
        BanUser, ImpersonateUser, RevokeUserSessions, StopImpersonating, UnbanUser, admin_events,
        admin_orgs, admin_users,
    },
    model::{AdminUser, BAN_DAYS, BAN_REASON_MAX_CHARS, SearchInput, admin_action_key},
};
use crate::{
    account::view::RequireUser,
    auth::view::{continue_after, use_current_user},
    billing::plans::Plan,
    forms::{FormAlert, form_error, query_param},
    i18n::{I18n, use_i18n},
    ui::{Avatar, Banner, Confirm, DataTable, Loaded, PageHeader, Tabs, Time, Tone},
};

/// The search and page of the URL.
fn search_input() -> Memo<SearchInput> {
    let q = query_param("q");
    let page = query_param("page");
    Memo::new(move |_| SearchInput {
        q: q.get().filter(|q| !q.trim().is_empty()),
        page: page.get(),
    })
}

/// Renders `children` for administrators only (others see why not).
#[component]
fn RequireAdmin(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let is_admin = Memo::new(move |_| current.get().is_some_and(|user| user.is_admin));
    let children = StoredValue::new(children);
    view! {
        <RequireUser>
            {move || {
                if is_admin.get() {
                    children.read_value()().into_any()
                } else {
                    view! {
                        <PageHeader title=move || i18n.t("admin-title") />
                        <p class="notice" role="alert">{move || i18n.t("admin-forbidden")}</p>
                    }
                        .into_any()
                }
            }}
        </RequireUser>
    }
    .into_any()
}

#[component]
fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    let items =
        vec![("/admin".to_owned(), "admin-users"), ("/admin/orgs".to_owned(), "admin-orgs")];
    view! {
        <PageHeader title=move || i18n.t("admin-title") />
        <Tabs label="admin-title" items />
    }
}

#[component]
fn SearchForm(action: &'static str, label: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let q = query_param("q");
    view! {
        <Form method="GET" action=action attr:class="inline-form search-form">
            <label for="admin-search">{move || i18n.t(label)}</label>
            <input id="admin-search" type="search" name="q" value=move || q.get().unwrap_or_default() maxlength="100" />
            <button type="submit" class="btn btn-secondary">{move || i18n.t("admin-search")}</button>
        </Form>
    }
    .into_any()
}

/// Previous and next page links, keeping the search.
#[component]
fn Pager(path: &'static str, page: i64, pages: i64, total: i64) -> impl IntoView {
    let i18n = use_i18n();
    let q = query_param("q").get_untracked().unwrap_or_default();
    let link =
        move |page: i64| format!("{path}?q={}&page={page}", crate::auth::model::percent_encode(&q));
    view! {
        <nav class="pager" aria-label=move || i18n.t("admin-pages")>
            <span>
                {move || {
                    i18n.t_args(
                        "admin-page-of",
                        &[("page", page.into()), ("pages", pages.into()), ("total", total.into())],
                    )
                }}
            </span>
            {(page > 1).then(|| view! { <A href=link(page - 1)>{move || i18n.t("admin-previous")}</A> })}
            {(page < pages).then(|| view! { <A href=link(page + 1) attr:rel="next">{move || i18n.t("admin-next")}</A> })}
        </nav>
    }
    .into_any()
}

/// The actions of the account rows.
#[derive(Clone, Copy)]
struct UserActions {
    ban: ServerAction<BanUser>,
    unban: ServerAction<UnbanUser>,
    revoke: ServerAction<RevokeUserSessions>,
    impersonate: ServerAction<ImpersonateUser>,
}

/// `/admin`: accounts and the administrators' log.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    view! {
        <RequireAdmin>
            <AdminUsers />
        </RequireAdmin>
    }
    .into_any()
}

#[component]
fn AdminUsers() -> impl IntoView {
    let i18n = use_i18n();
    let actions = UserActions {
        ban: ServerAction::<BanUser>::new(),
        unban: ServerAction::<UnbanUser>::new(),
        revoke: ServerAction::<RevokeUserSessions>::new(),
        impersonate: ServerAction::<ImpersonateUser>::new(),
    };
    continue_after(actions.impersonate, "/orgs");
    let errors = [
        form_error(actions.ban),
        form_error(actions.unban),
        form_error(actions.revoke),
        form_error(actions.impersonate),
    ];
    let input = search_input();
    let versions = move || {
        (actions.ban.version().get(), actions.unban.version().get(), actions.revoke.version().get())
    };
    let users = Resource::new(move || (input.get(), versions()), |(input, _)| admin_users(input));
    let events = Resource::new(versions, |_| admin_events());
    let revoked = move || match actions.revoke.value().get() {
        Some(Ok(count)) => Some(i18n.t_args("admin-sessions-ended", &[("count", count.into())])),
        _ => None,
    };
    view! {
        <section class="admin">
            <AdminNav />
            <SearchForm action="/admin" label="admin-search-users" />
            {errors.into_iter().map(|error| view! { <FormAlert error /> }).collect_view()}
            {move || revoked().map(|text| view! { <p role="status">{text}</p> })}
            <Loaded
                resource=users
                ok=move |page| view! {
                    <DataTable columns=&["team-email", "team-name", "admin-organizations", "admin-created", "admin-status"] actions=true testid="admin-users">
                        {page
                            .users
                            .into_iter()
                            .map(|user| view! { <UserRow user actions /> })
                            .collect_view()}
                    </DataTable>
                    <Pager path="/admin" page=page.page pages=page.pages total=page.total />
                }
            />
            <h2>{move || i18n.t("admin-events")}</h2>
            <Suspense fallback=|| ()>
                {move || {
                    events
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            view! {
                                <DataTable columns=crate::ui::AUDIT_COLUMNS testid="admin-events">
                                    {list
                                        .into_iter()
                                        .map(|event| {
                                            let key = admin_action_key(&event.action);
                                            let details = serde_json::from_str(&event.details)
                                                .map(|details| crate::ui::describe(&details, &[], str::to_owned))
                                                .unwrap_or_default();
                                            view! {
                                                <tr data-action=event.action.clone()>
                                                    <td><Time at=event.created_at /></td>
                                                    <td>{event.actor.unwrap_or_else(|| "—".into())}</td>
                                                    <td>{move || i18n.t(&key)}</td>
                                                    <td>{event.target.unwrap_or_default()}</td>
                                                    <td>{details}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </DataTable>
                            }
                        })
                }}
            </Suspense>
        </section>
    }
    .into_any()
}

#[component]
fn UserRow(user: AdminUser, actions: UserActions) -> impl IntoView {
    let i18n = use_i18n();
    let status = match (&user.banned, user.is_admin) {
        (Some(ban), _) => {
            let until = ban.until.clone().unwrap_or_else(|| i18n.t("admin-until-lifted"));
            i18n.t_args(
                "admin-banned",
                &[("reason", ban.reason.clone().into()), ("until", until.into())],
            )
        }
        (None, true) => i18n.t("admin-is-admin"),
        (None, false) if user.email_verified => i18n.t("admin-active"),
        (None, false) => i18n.t("admin-unverified"),
    };
    let id = StoredValue::new(user.id.clone());
    let hidden = move || view! { <input type="hidden" name="user_id" value=id.get_value() /> };
    let banned = user.banned.is_some();
    let email = user.email.clone();
    view! {
        <tr data-user=user.email.clone()>
            <td>{user.email.clone()}</td>
            <td>
                <span class="person">
                    <Avatar name=user.name.clone() src=user.avatar.clone().map(|picture| picture.small) />
                    {user.name.clone()}
                </span>
            </td>
            <td>{user.organizations}</td>
            <td><Time at=user.created_at.clone() /></td>
            <td data-testid="user-status">{status}</td>
            <td class="row-actions">
                {(!user.is_admin)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.impersonate attr:class="inline-form">
                                {hidden()}
                                <button type="submit" class="btn btn-quiet">
                                    {move || i18n.t("admin-impersonate")}
                                </button>
                            </ActionForm>
                            <ActionForm action=actions.revoke attr:class="inline-form">
                                {hidden()}
                                <button type="submit" class="btn btn-quiet">
                                    {move || i18n.t("admin-revoke-sessions")}
                                </button>
                            </ActionForm>
                            {if banned {
                                view! {
                                    <ActionForm action=actions.unban attr:class="inline-form">
                                        {hidden()}
                                        <button type="submit" class="btn btn-quiet">{move || i18n.t("admin-unban")}</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            } else {
                                let reason_id = format!("ban-reason-{}", user.id);
                                let days_id = format!("ban-days-{}", user.id);
                                view! {
                                    <Confirm open=move || i18n.t("admin-ban")>
                                        <ActionForm action=actions.ban>
                                            {hidden()}
                                            <label for=reason_id.clone()>
                                                {move || i18n.t_args("admin-ban-reason", &[("email", email.clone().into())])}
                                            </label>
                                            <input id=reason_id type="text" name="reason" required maxlength=BAN_REASON_MAX_CHARS />
                                            <label for=days_id.clone()>{move || i18n.t("admin-ban-length")}</label>
                                            <select id=days_id name="days">
                                                <option value="">{move || i18n.t("admin-until-lifted")}</option>
                                                {BAN_DAYS
                                                    .into_iter()
                                                    .map(|days| {
                                                        view! {
                                                            <option value=days.to_string()>
                                                                {move || i18n.t_args("admin-days", &[("days", days.into())])}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </select>
                                            <button type="submit" class="btn btn-danger">{move || i18n.t("admin-ban-submit")}</button>
                                        </ActionForm>
                                    </Confirm>
                                }
                                    .into_any()
                            }}
                        }
                    })}
            </td>
        </tr>
    }
    .into_any()
}

/// A plan's name, from its wire name.
fn plan_name(i18n: I18n, plan: &str) -> String {
    plan.parse::<Plan>().map_or_else(|()| plan.to_owned(), |plan| i18n.t(plan.label_key()))
}

/// `/admin/orgs`: organizations with member counts and plan.
#[component]
pub fn AdminOrgsPage() -> impl IntoView {
    view! {
        <RequireAdmin>
            <AdminOrgs />
        </RequireAdmin>
    }
    .into_any()
}

#[component]
fn AdminOrgs() -> impl IntoView {
    let i18n = use_i18n();
    let input = search_input();
    let orgs = Resource::new(move || input.get(), admin_orgs);
    view! {
        <section class="admin">
            <AdminNav />
            <SearchForm action="/admin/orgs" label="admin-search-orgs" />
            <Loaded
                resource=orgs
                ok=move |page| view! {
                    <DataTable columns=&["field-org-name", "field-org-address", "team-members-title", "admin-plan", "admin-created"] testid="admin-orgs">
                        {page
                            .orgs
                            .into_iter()
                            .map(|org| {
                                let slug = org.slug.clone();
                                view! {
                                    <tr data-org=slug>
                                        <td>
                                            <span class="person">
                                                <Avatar name=org.name.clone() src=org.logo.map(|logo| logo.small) logo=true />
                                                {org.name}
                                            </span>
                                        </td>
                                        <td><code>{org.slug}</code></td>
                                        <td data-testid="org-members">{org.members}</td>
                                        <td>{plan_name(i18n, &org.plan)}</td>
                                        <td><Time at=org.created_at /></td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </DataTable>
                    <Pager path="/admin/orgs" page=page.page pages=page.pages total=page.total />
                }
            />
        </section>
    }
    .into_any()
}

/// The banner on every page while an administrator acts as someone else, with the way back.
#[component]
pub fn ImpersonationBanner() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let stop = ServerAction::<StopImpersonating>::new();
    continue_after(stop, "/admin");
    move || {
        let user = current.get()?;
        let admin = user.impersonated_by.clone()?;
        Some(view! {
            <Banner tone=Tone::Warning testid="impersonation-banner">
                <p>
                    {move || {
                        i18n.t_args(
                            "impersonation-banner",
                            &[
                                ("name", user.name.clone().into()),
                                ("email", user.email.clone().into()),
                                ("admin", admin.clone().into()),
                            ],
                        )
                    }}
                </p>
                <ActionForm action=stop>
                    <button type="submit" class="btn btn-secondary">{move || i18n.t("impersonation-stop")}</button>
                </ActionForm>
            </Banner>
        })
    }
}
