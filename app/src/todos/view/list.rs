//! `/o/{slug}/todos`: quick add, filters, the sortable table, paging and export.

use leptos::{ev, form::ActionForm, prelude::*, server_fn::ServerFn, task::spawn_local};
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::{Names, assignable, assignee_options, browser, initials, names_of, query, today};
use crate::{
    forms::{FormAlert, error_message, form_error},
    i18n::{I18n, use_i18n},
    orgs::{
        api::list_members,
        model::{OrgInput, OrgSummary},
        permissions::Permission,
        view::WithOrg,
    },
    shell::{ErrorView, ToastHost, Toasts},
    todos::{
        api::{
            CreateTodo, DeleteTodo, ToggleTodo, delete_todo, list_todos, toggle_todo, undo_delete,
        },
        model::{
            ListTodosInput, Priority, TITLE_MAX_CHARS, Todo, TodoInput, TodoPage, UNDO_SECONDS,
            UndoInput,
        },
    },
};

/// `/o/{slug}/todos`.
#[component]
pub fn TodosPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <Todos org /> } /> }
}

/// What the rows need from the page.
#[derive(Clone, Copy)]
struct Page {
    org: StoredValue<OrgSummary>,
    toasts: Toasts,
    /// Bump to read the list again.
    refresh: RwSignal<u32>,
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
    let live = browser::follow(org.id.clone(), refresh);
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
            <p class="field-hint">{move || i18n.t("todos-shortcuts")}</p>
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
    view! { <p class="empty-state" data-testid="todos-empty">{move || i18n.t(key)}</p> }
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
    view! {
        <ActionForm action=create node_ref=form attr:class="quick-add" attr:novalidate=true attr:aria-labelledby="quick-add-title">
            <h3 id="quick-add-title" class="visually-hidden">{move || i18n.t("todos-add-title")}</h3>
            <FormAlert error />
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
            <button type="submit" class="primary" disabled=move || create.pending().get()>
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
            <button type="submit">{move || i18n.t("todos-filter-apply")}</button>
            <A href=clear_href>{move || i18n.t("todos-filter-clear")}</A>
        </Form>
    }
    .into_any()
}

/// The sortable columns: sort key and translation key of the title.
pub(super) const SORTABLE: [(&str, &str); 4] = [
    ("title", "todos-col-title"),
    ("priority", "todos-col-priority"),
    ("due", "todos-col-due"),
    ("created", "todos-col-created"),
];

#[component]
fn Table(
    page: Page,
    todos: TodoPage,
    names: Names,
    input: Memo<ListTodosInput>,
    base: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let list = input.get_untracked();
    let (sort, desc) = query::sort_of(&list);
    let headers = SORTABLE
        .into_iter()
        .map(|(column, key)| {
            let active = column == sort;
            let aria = active.then_some(if desc { "descending" } else { "ascending" });
            let arrow = match (active, desc) {
                (false, _) => "",
                (true, true) => " ↓",
                (true, false) => " ↑",
            };
            view! {
                <th scope="col" aria-sort=aria data-sort=column>
                    <A href=query::sort_href(&base, &list, column)>{move || format!("{}{arrow}", i18n.t(key))}</A>
                </th>
            }
        })
        .collect_view();
    let today = today();
    let shown = todos.todos.len();
    let total = todos.total;
    let count_key = if todos.total_capped { "todos-count-capped" } else { "todos-count" };
    let first = list.cursor.is_some().then(|| {
        let href = query::href(&base, &ListTodosInput { cursor: None, ..list.clone() });
        view! { <A href=href>{move || i18n.t("todos-first")}</A> }
    });
    let next = todos.next_cursor.clone().map(|cursor| {
        let href = query::href(&base, &ListTodosInput { cursor: Some(cursor), ..list.clone() });
        view! { <A href=href attr:rel="next">{move || i18n.t("todos-next")}</A> }
    });
    let org = page.org.get_value();
    view! {
        <table class="data-table todos-table" data-testid="todos">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t("todos-col-done")}</th>
                    {headers}
                    <th scope="col">{move || i18n.t("todos-col-assignee")}</th>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t("table-actions")}</span></th>
                </tr>
            </thead>
            <tbody>
                {todos
                    .todos
                    .into_iter()
                    .map(|todo| {
                        let assignee = todo.assigned_to.as_ref().and_then(|id| names.get(id)).cloned();
                        view! { <Row page todo assignee today=today.clone() slug=org.slug.clone() /> }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label=move || i18n.t("todos-pages")>
            <span data-testid="todos-count">
                {move || {
                    i18n.t_args(count_key, &[("shown", shown.into()), ("total", total.into())])
                }}
            </span>
            {first}
            {next}
        </nav>
    }
    .into_any()
}

#[component]
fn Row(
    page: Page,
    todo: Todo,
    assignee: Option<String>,
    today: String,
    slug: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let org = page.org.get_value();
    let role = org.role;
    let completed = RwSignal::new(todo.completed);
    let hidden = RwSignal::new(false);
    let overdue =
        todo.due_date.as_deref().is_some_and(|due| !today.is_empty() && due < today.as_str());
    let title = StoredValue::new(todo.title.clone());
    let target = StoredValue::new(TodoInput { org: org.id.clone(), id: todo.id.clone() });

    // The row may be gone when the answer comes (a live refresh re-renders the table), so the
    // tasks read what they need first and touch the row's signals only if they still exist.
    let on_toggle = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let was = completed.get_untracked();
        completed.set(!was);
        let input = target.get_value();
        spawn_local(async move {
            match toggle_todo(input).await {
                Ok(todo) => {
                    completed.try_set(todo.completed);
                }
                Err(error) => {
                    completed.try_set(was);
                    page.toasts.error(error_message(i18n, &error));
                }
            }
        });
    };
    let on_delete = move |event: ev::SubmitEvent| {
        event.prevent_default();
        hidden.set(true);
        let (input, title) = (target.get_value(), title.get_value());
        spawn_local(async move {
            match delete_todo(input).await {
                Ok(deleted) => offer_undo(i18n, page, title, deleted.undo_token),
                Err(error) => {
                    hidden.try_set(false);
                    page.toasts.error(error_message(i18n, &error));
                }
            }
        });
    };

    let priority = todo.priority;
    let edit_href = format!("/o/{slug}/todos/{}/edit", todo.id);
    let done_label =
        move || i18n.t_args("todos-done-label", &[("title", title.get_value().into())]);
    let toggle_cell = if role.can(Permission::TodosUpdate) {
        view! {
            <RowForm action=TOGGLE_PATH target on_submit=on_toggle>
                <button
                    type="submit"
                    class="check"
                    role="checkbox"
                    aria-checked=move || if completed.get() { "true" } else { "false" }
                    aria-label=done_label
                >
                    // Always rendered (shown by CSS when checked): an empty text node would not
                    // survive the HTML parser, and hydration would then lose its place.
                    <span class="check-mark" aria-hidden="true">"✓"</span>
                </button>
            </RowForm>
        }
        .into_any()
    } else {
        view! { <input type="checkbox" disabled checked=todo.completed aria-label=done_label /> }
            .into_any()
    };
    let delete_cell = role.can(Permission::TodosDelete).then(|| {
        view! {
            <RowForm action=DELETE_PATH target on_submit=on_delete>
                <button
                    type="submit"
                    class="link-button danger"
                    aria-label=move || i18n.t_args("todos-delete-label", &[("title", title.get_value().into())])
                >
                    {move || i18n.t("todos-delete")}
                </button>
            </RowForm>
        }
    });
    let edit_link = role.can(Permission::TodosUpdate).then(|| {
        view! {
            <A href=edit_href.clone() attr:class="link-button" attr:aria-label=move || i18n.t_args("todos-edit-label", &[("title", title.get_value().into())])>
                {move || i18n.t("todos-edit")}
            </A>
        }
    });
    let due = todo.due_date.clone().unwrap_or_default();
    view! {
        <tr data-todo=todo.id.clone() class:done=move || completed.get() class:overdue=move || overdue && !completed.get() hidden=move || hidden.get()>
            <td>{toggle_cell}</td>
            <td class="todo-title">
                <span data-testid="todo-title">{todo.title.clone()}</span>
                {todo.description.clone().map(|d| view! { <p class="todo-description">{d}</p> })}
            </td>
            <td>
                <span class=format!("badge priority-{}", priority.as_str()) data-priority=priority.as_str()>
                    {move || i18n.t(priority.label_key())}
                </span>
            </td>
            <td class="todo-due">
                {(!due.is_empty()).then(|| view! { <time datetime=due.clone()>{due.clone()}</time> })}
                <Show when=move || overdue && !completed.get()>
                    <span class="overdue-flag">{move || i18n.t("todos-overdue")}</span>
                </Show>
            </td>
            <td>{todo.created_at.get(..10).unwrap_or_default().to_owned()}</td>
            <td>
                {assignee.map(|name| {
                    view! {
                        <span class="assignee">
                            <span class="avatar" aria-hidden="true">{initials(&name)}</span>
                            {name}
                        </span>
                    }
                })}
            </td>
            <td class="row-actions">{edit_link}{delete_cell}</td>
        </tr>
    }
    .into_any()
}

/// A form about one todo (`org`, `id`): posted to `action` by the browser without JavaScript,
/// handled by `on_submit` with it.
#[component]
fn RowForm<F>(
    action: &'static str,
    target: StoredValue<TodoInput>,
    on_submit: F,
    children: Children,
) -> impl IntoView
where
    F: FnMut(ev::SubmitEvent) + Send + 'static,
{
    let TodoInput { org, id } = target.get_value();
    view! {
        <form method="post" action=action class="inline-form" on:submit=on_submit>
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="id" value=id />
            {children()}
        </form>
    }
}

/// Where the row forms post (and, without JavaScript, go).
const TOGGLE_PATH: &str = <ToggleTodo as ServerFn>::PATH;
const DELETE_PATH: &str = <DeleteTodo as ServerFn>::PATH;

/// After a delete: a toast with "Undo" for as long as the server keeps the token.
fn offer_undo(i18n: I18n, page: Page, title: String, token: String) {
    let org = page.org.with_value(|org| org.id.clone());
    let undo = move || {
        let input = UndoInput { org: org.clone(), token: token.clone() };
        spawn_local(async move {
            match undo_delete(input).await {
                Ok(_) => {
                    page.refresh.update(|n| *n += 1);
                    page.toasts.info(i18n.t("todos-restored"));
                }
                Err(error) => page.toasts.error(error_message(i18n, &error)),
            }
        });
    };
    // A little under the server's window, so "Undo" never shows when it can no longer work.
    let stay =
        std::time::Duration::from_millis(u64::try_from(UNDO_SECONDS).unwrap_or(10) * 1000 - 500);
    page.toasts.with_action(
        i18n.t_args("todos-deleted", &[("title", title.into())]),
        "todos-undo",
        undo,
        stay,
    );
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
            <a class="button" href=csv download on:click=on_click data-testid="export-csv">
                {move || i18n.t("todos-export-csv")}
            </a>
            <a class="link-button" href=ndjson download>{move || i18n.t("todos-export-ndjson")}</a>
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
