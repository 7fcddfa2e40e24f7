//! The todos table: sortable headers, and rows whose done box and delete button post plain
//! forms — optimistic, with an "Undo" toast, when JavaScript runs.

use leptos::{ev, prelude::*, server_fn::ServerFn, task::spawn_local};
use leptos_router::components::A;

use super::{Names, query, today};
use crate::{
    forms::error_message,
    i18n::{I18n, use_i18n},
    orgs::{
        model::{MemberInfo, OrgSummary},
        permissions::Permission,
    },
    todos::{
        api::{DeleteTodo, ToggleTodo, delete_todo, toggle_todo, undo_delete},
        model::{ListTodosInput, Todo, TodoInput, TodoPage, UNDO_SECONDS, UndoInput},
    },
    ui::{ActionsHeader, Avatar, DataTable, Time, Toasts},
};

/// What the rows need from the page.
#[derive(Clone, Copy)]
pub(super) struct Page {
    pub(super) org: StoredValue<OrgSummary>,
    pub(super) toasts: Toasts,
    /// Bump to read the list again.
    pub(super) refresh: RwSignal<u32>,
}

/// The sortable columns: sort key and translation key of the title.
pub(super) const SORTABLE: [(&str, &str); 4] = [
    ("title", "todos-col-title"),
    ("priority", "todos-col-priority"),
    ("due", "todos-col-due"),
    ("created", "todos-col-created"),
];

#[component]
pub(super) fn Table(
    page: Page,
    todos: TodoPage,
    names: Names,
    input: Memo<ListTodosInput>,
    base: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let list = input.get_untracked();
    let (sort, desc) = query::sort_of(&list);
    // Sort key, title key, `aria-sort`, arrow and link of each sortable column.
    let headers: Vec<_> = SORTABLE
        .into_iter()
        .map(|(column, key)| {
            let active = column == sort;
            let aria = active.then_some(if desc { "descending" } else { "ascending" });
            let arrow = match (active, desc) {
                (false, _) => "",
                (true, true) => " ↓",
                (true, false) => " ↑",
            };
            (column, key, aria, arrow, query::sort_href(&base, &list, column))
        })
        .collect();
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
        <DataTable
            class="todos-table"
            testid="todos"
            head=move || {
                view! {
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t("todos-col-done")}</th>
                            {headers
                                .clone()
                                .into_iter()
                                .map(|(column, key, aria, arrow, href)| {
                                    view! {
                                        <th scope="col" aria-sort=aria data-sort=column>
                                            <A href=href>{move || format!("{}{arrow}", i18n.t(key))}</A>
                                        </th>
                                    }
                                })
                                .collect_view()}
                            <th scope="col">{move || i18n.t("todos-col-assignee")}</th>
                            <ActionsHeader />
                        </tr>
                    </thead>
                }
            }
        >
            {todos
                .todos
                .into_iter()
                .map(|todo| {
                    let assignee = todo.assigned_to.as_ref().and_then(|id| names.get(id)).cloned();
                    view! { <Row page todo assignee today=today.clone() slug=org.slug.clone() /> }
                })
                .collect_view()}
        </DataTable>
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
    assignee: Option<MemberInfo>,
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
                    class="btn btn-quiet-danger"
                    aria-label=move || i18n.t_args("todos-delete-label", &[("title", title.get_value().into())])
                >
                    {move || i18n.t("todos-delete")}
                </button>
            </RowForm>
        }
    });
    let edit_link = role.can(Permission::TodosUpdate).then(|| {
        view! {
            <A href=edit_href.clone() attr:class="btn btn-quiet" attr:aria-label=move || i18n.t_args("todos-edit-label", &[("title", title.get_value().into())])>
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
                {(!due.is_empty()).then(|| view! { <Time at=due.clone() /> })}
                <Show when=move || overdue && !completed.get()>
                    <span class="overdue-flag">{move || i18n.t("todos-overdue")}</span>
                </Show>
            </td>
            <td><Time at=todo.created_at.clone() day_only=true /></td>
            <td>
                {assignee.map(|member| {
                    view! {
                        <span class="assignee">
                            <Avatar name=member.name.clone() src=member.avatar.map(|picture| picture.small) />
                            {member.name}
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
