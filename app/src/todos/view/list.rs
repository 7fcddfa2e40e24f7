//! `/o/{slug}/todos`: quick add, filters, paging and export around the table ([`super::table`]).

use leptos::{ev, form::ActionForm, prelude::*};
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::{
    Names, assignable, assignee_options, browser, names_of, query,
    table::{Page, Table},
};
use crate::{
    error::ErrorCode,
    forms::{FormAlert, form_error},
    i18n::use_i18n,
    orgs::{
        api::list_members,
        model::{OrgInput, OrgSummary},
        permissions::Permission,
        view::WithOrg,
    },
    todos::{
        api::{CreateTodo, list_todos},
        model::{ListTodosInput, Priority, TITLE_MAX_CHARS},
    },
    ui::{EmptyState, ErrorView, ToastHost, Toasts, follow_feed},
};

/// `/o/{slug}/todos`.
#[component]
pub fn TodosPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <Todos org /> } /> }
}

#[component]
fn Todos(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = Toasts::provide();
    let refresh = RwSignal::new(0_u32);
    let create = ServerAction::<CreateTodo>::new();
    let url = use_query_map();
    let org_id = org.id.clone();
    let input = Memo::new(move |_| url.with(|q| query::from_query(&org_id, q)));
    let list = Resource::new(
        move || (input.get(), refresh.get(), create.version().get()),
        |(input, _, _)| list_todos(input),
    );
    let members_org = org.id.clone();
    let members =
        Resource::new(|| (), move |()| list_members(OrgInput { org: members_org.clone() }));
    let live = follow_feed(format!("/api/ws/todos?org={}", org.id), refresh);
    browser::shortcuts();
    let role = org.role;
    let base = format!("/o/{}/todos", org.slug);
    let page = Page { org: StoredValue::new(org), toasts, refresh };
    let base = StoredValue::new(base);
    view! {
        <section class="todos" aria-labelledby="todos-title">
            <div class="todos-toolbar">
                <h2 id="todos-title">{move || i18n.t("todos-title")}</h2>
                <p class="live-status" data-testid="live-status" data-live=move || live.get().as_str()>
                    {move || live.get().label_key().map(|key| i18n.t(key))}
                </p>
                <Export input total=Signal::derive(move || {
                        list.get().and_then(Result::ok).filter(|p| !p.total_capped).map(|p| p.total)
                    }) toasts />
            </div>
            // The shortcuts work once the page is hydrated, and "n" only for those who may add.
            <p class="shortcut-hint js-only" data-testid="shortcut-hint">
                {move || i18n.t(if role.can(Permission::TodosCreate) { "todos-shortcuts" } else { "todos-shortcuts-search" })}
            </p>
            // The forms need the member names; read inside a Suspense (and only once), so the
            // server's HTML and the hydrated page always agree on the options.
            <Suspense fallback=|| ()>
                {move || {
                    members.get().map(|result| {
                        let names = result.map(|m| names_of(&m)).unwrap_or_default();
                        let quick_add = role.can(Permission::TodosCreate).then(|| {
                            view! { <QuickAdd page create names=names.clone() /> }
                        });
                        view! {
                            {quick_add}
                            <Filters input base=base.get_value() names />
                        }
                    })
                }}
            </Suspense>
            // Not `Loaded`: a `Transition`, so the current page stays on screen while the next
            // one (another filter, sort or page) loads.
            <Transition fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
                {move || {
                    let names = members.get().and_then(Result::ok).map(|m| names_of(&m)).unwrap_or_default();
                    list.get()
                        .map(|result| match result {
                            Ok(todos) if todos.todos.is_empty() => {
                                view! { <Empty filtered=query::is_filtered(&input.get_untracked()) can_create=role.can(Permission::TodosCreate) /> }
                                    .into_any()
                            }
                            Ok(todos) => {
                                view! { <Table page todos names input base=base.get_value() /> }.into_any()
                            }
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                        })
                }}
            </Transition>
            <ToastHost toasts />
        </section>
    }
    .into_any()
}

#[component]
fn Empty(filtered: bool, can_create: bool) -> impl IntoView {
    let i18n = use_i18n();
    let key = match (filtered, can_create) {
        (true, _) => "todos-empty-filtered",
        (false, true) => "todos-empty",
        (false, false) => "todos-empty-viewer",
    };
    view! { <EmptyState message=move || i18n.t(key) testid="todos-empty" /> }
}

#[component]
fn QuickAdd(page: Page, create: ServerAction<CreateTodo>, names: Names) -> impl IntoView {
    let i18n = use_i18n();
    let error = form_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    let title = NodeRef::<leptos::html::Input>::new();
    // A created todo empties the form for the next one.
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            if let Some(title) = title.get_untracked() {
                let _ = title.focus();
            }
        }
    });
    let org = page.org.get_value();
    let can_assign = org.role.can(Permission::TodosAssign);
    let me =
        crate::auth::view::use_current_user().get_untracked().map(|u| u.id).unwrap_or_default();
    let title_invalid = move || error.get().is_some_and(|e| !e.field("title").is_empty());
    // The plan's limit reached: the way to a larger one.
    let billing = format!("/o/{}/billing", org.slug);
    let limit_reached = move || {
        error.get().filter(|e| e.code == ErrorCode::BizLimitExceeded).map(|_| {
            view! {
                <p class="form-alert-next" data-testid="limit-upgrade">
                    <A href=billing.clone()>{move || i18n.t("billing-see-plans")}</A>
                </p>
            }
        })
    };
    view! {
        <ActionForm action=create node_ref=form attr:class="quick-add" attr:novalidate=true attr:aria-labelledby="quick-add-title">
            <h3 id="quick-add-title" class="visually-hidden">{move || i18n.t("todos-add-title")}</h3>
            <FormAlert error />
            {limit_reached}
            <input type="hidden" name="org" value=org.id.clone() />
            <div class="field quick-add-title" class:invalid=title_invalid>
                <label for="todo-new-title">{move || i18n.t("todos-field-title")}</label>
                <input
                    id="todo-new-title"
                    name="title"
                    node_ref=title
                    required
                    maxlength=TITLE_MAX_CHARS
                    autocomplete="off"
                    placeholder=move || i18n.t("todos-add-placeholder")
                    aria-invalid=move || title_invalid().then_some("true")
                />
            </div>
            <div class="field">
                <label for="todo-new-priority">{move || i18n.t("todos-field-priority")}</label>
                <PrioritySelect id="todo-new-priority" selected=Priority::Medium />
            </div>
            <div class="field">
                <label for="todo-new-due">{move || i18n.t("todos-field-due")}</label>
                <input id="todo-new-due" name="due_date" type="date" />
            </div>
            <div class="field">
                <label for="todo-new-assignee">{move || i18n.t("todos-field-assignee")}</label>
                <select id="todo-new-assignee" name="assigned_to">
                    <option value="">{move || i18n.t("todos-unassigned")}</option>
                    {assignee_options(assignable(&names, can_assign, &[&me]), "")}
                </select>
            </div>
            <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                {move || i18n.t("todos-add-submit")}
            </button>
        </ActionForm>
    }
    .into_any()
}

/// A `<select name="priority">` of the four priorities.
#[component]
pub(super) fn PrioritySelect(id: &'static str, selected: Priority) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select id=id name="priority">
            {Priority::ALL
                .into_iter()
                .map(|priority| {
                    view! {
                        <option value=priority.as_str() selected={priority == selected}>
                            {move || i18n.t(priority.label_key())}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

#[component]
fn Filters(input: Memo<ListTodosInput>, base: String, names: Names) -> impl IntoView {
    let i18n = use_i18n();
    let current = move |pick: fn(&ListTodosInput) -> &Option<String>| {
        input.with(|input| pick(input).clone().unwrap_or_default())
    };
    let clear_href = base.clone();
    view! {
        <Form method="GET" action=base attr:class="filters" attr:role="search" attr:aria-label=move || i18n.t("todos-filters")>
            <div class="field">
                <label for="todo-search">{move || i18n.t("todos-search")}</label>
                <input
                    id="todo-search"
                    name="q"
                    type="search"
                    maxlength=200
                    value=current(|i| &i.q)
                    prop:value=move || current(|i| &i.q)
                    placeholder=move || i18n.t("todos-search-placeholder")
                />
            </div>
            <div class="field">
                <label for="todo-status">{move || i18n.t("todos-filter-status")}</label>
                <select id="todo-status" name="status" prop:value=move || current(|i| &i.status)>
                    <option value="" selected=move || current(|i| &i.status).is_empty()>
                        {move || i18n.t("todos-status-all")}
                    </option>
                    <option value="open" selected=move || current(|i| &i.status) == "open">
                        {move || i18n.t("todos-status-open")}
                    </option>
                    <option value="done" selected=move || current(|i| &i.status) == "done">
                        {move || i18n.t("todos-status-done")}
                    </option>
                </select>
            </div>
            <div class="field">
                <label for="todo-priority">{move || i18n.t("todos-field-priority")}</label>
                <select id="todo-priority" name="priority" prop:value=move || current(|i| &i.priority)>
                    <option value="">{move || i18n.t("todos-any-priority")}</option>
                    {Priority::ALL
                        .into_iter()
                        .map(|p| {
                            view! {
                                <option value=p.as_str() selected=move || current(|i| &i.priority) == p.as_str()>
                                    {move || i18n.t(p.label_key())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="todo-assignee">{move || i18n.t("todos-field-assignee")}</label>
                <select id="todo-assignee" name="assignee" prop:value=move || current(|i| &i.assignee)>
                    <option value="">{move || i18n.t("todos-anyone")}</option>
                    {assignee_options(assignable(&names, true, &[]), &current(|i| &i.assignee))}
                </select>
            </div>
            // The order survives a change of filters.
            {move || input.with(|i| i.sort.clone()).map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
            {move || input.with(|i| i.dir.clone()).map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
            <button type="submit" class="btn btn-secondary">{move || i18n.t("todos-filter-apply")}</button>
            <A href=clear_href attr:class="btn btn-quiet">{move || i18n.t("todos-filter-clear")}</A>
        </Form>
    }
    .into_any()
}

#[component]
fn Export(
    input: Memo<ListTodosInput>,
    /// The number of rows to expect, when known exactly.
    total: Signal<Option<i64>>,
    toasts: Toasts,
) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<u64>);
    let csv = move || query::export_href(&input.get(), "csv");
    let ndjson = move || query::export_href(&input.get(), "ndjson");
    let on_click = move |event: ev::MouseEvent| {
        if progress.get_untracked().is_some() {
            event.prevent_default();
            return;
        }
        if browser::can_stream() {
            event.prevent_default();
            browser::download(
                query::export_href(&input.get_untracked(), "csv"),
                progress,
                toasts,
                i18n,
            );
        }
    };
    view! {
        <div class="export">
            <a class="btn btn-secondary" href=csv download on:click=on_click data-testid="export-csv">
                {move || i18n.t("todos-export-csv")}
            </a>
            <a class="btn btn-secondary" href=ndjson download data-testid="export-ndjson">{move || i18n.t("todos-export-ndjson")}</a>
            {move || {
                progress.get().map(|rows| {
                    let text = match total.get() {
                        Some(total) => {
                            let total = total.max(0).unsigned_abs();
                            i18n.t_args("todos-exporting", &[("rows", rows.min(total).into()), ("total", total.into())])
                        }
                        None => i18n.t_args("todos-exporting-rows", &[("rows", rows.into())]),
                    };
                    let max = total.get().map_or(0, |total| total.max(1).unsigned_abs());
                    view! {
                        <span class="export-progress" role="status" data-testid="export-progress">
                            // Without a known total the bar is indeterminate.
                            <progress max=(max > 0).then_some(max) value=(max > 0).then_some(rows.min(max))></progress>
                            {text}
                        </span>
                    }
                })
            }}
        </div>
    }
    .into_any()
}
