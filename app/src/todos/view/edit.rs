//! `/o/{slug}/todos/{id}/edit`: every field of a todo; saving sends only what changed
//! (`POST /api/todos/update`, where an emptied optional field is `null`, which clears it).

use leptos::{ev, prelude::*};
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::{Names, assignable, assignee_options, names_of};
use crate::{
    error::{AppError, ErrorCode},
    files::view::Attachments,
    forms::FormAlert,
    i18n::use_i18n,
    orgs::{
        api::list_members,
        model::{OrgInput, OrgSummary},
        permissions::Permission,
        view::WithOrg,
    },
    todos::{
        api::{get_todo, update_todo},
        model::{
            DESCRIPTION_MAX_CHARS, Priority, TITLE_MAX_CHARS, Todo, TodoInput, UpdateTodoInput,
        },
    },
    ui::{ErrorView, NotFound},
};

/// `/o/{slug}/todos/{id}/edit`.
#[component]
pub fn TodoEditPage() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <EditTodo org /> } /> }
}

#[component]
fn EditTodo(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let org_id = org.id.clone();
    let todo =
        Resource::new(move || id.get(), move |id| get_todo(TodoInput { org: org_id.clone(), id }));
    let members_org = org.id.clone();
    let members =
        Resource::new(|| (), move |()| list_members(OrgInput { org: members_org.clone() }));
    let org = StoredValue::new(org);
    view! {
        <section class="settings-block" aria-labelledby="edit-title">
            <h2 id="edit-title">{move || i18n.t("todos-edit-title")}</h2>
            // Not `Loaded`: two resources, and a missing todo is this page's 404.
            <Suspense fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
                {move || {
                    // Both read here, inside the Suspense: the form is built once, from plain data.
                    let names = members.get()?.map(|m| names_of(&m)).unwrap_or_default();
                    todo.get()
                        .map(|result| match result {
                            Ok(todo) => view! { <EditForm org=org.get_value() todo names /> }.into_any(),
                            Err(error) if error.code == ErrorCode::BizNotFound => view! { <NotFound /> }.into_any(),
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
        <Attachments org=org.get_value() todo=id />
    }
    .into_any()
}

/// The messages of `name`'s errors, if any.
#[component]
fn FieldError(error: Signal<Option<AppError>>, name: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let codes = error.get().map(|e| e.field(name).to_vec()).unwrap_or_default();
        (!codes.is_empty()).then(|| {
            let text = codes.iter().map(|code| i18n.t(&code.message_key())).collect::<Vec<_>>();
            view! { <p class="field-error">{text.join(" ")}</p> }
        })
    }
}

/// An optional field as the update sends it: empty means `null` (cleared).
fn optional(value: String) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

#[component]
fn EditForm(org: OrgSummary, todo: Todo, names: Names) -> impl IntoView {
    let i18n = use_i18n();
    let list_href = format!("/o/{}/todos", org.slug);
    let can_assign = org.role.can(Permission::TodosAssign);
    let me =
        crate::auth::view::use_current_user().get_untracked().map(|u| u.id).unwrap_or_default();

    let title = RwSignal::new(todo.title.clone());
    let description = RwSignal::new(todo.description.clone().unwrap_or_default());
    let priority = RwSignal::new(todo.priority.as_str().to_owned());
    let due = RwSignal::new(todo.due_date.clone().unwrap_or_default());
    let assignee = RwSignal::new(todo.assigned_to.clone().unwrap_or_default());

    let save = Action::new(|input: &UpdateTodoInput| update_todo(input.clone()));
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let invalid =
        move |name: &'static str| move || error.get().is_some_and(|e| !e.field(name).is_empty());

    let navigate = use_navigate();
    let back = list_href.clone();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate(&back, NavigateOptions::default());
        }
    });

    let original = StoredValue::new(todo);
    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let before = original.get_value();
        // Only what changed travels; an emptied optional field travels as `null`.
        let changed = |new: Option<String>, old: &Option<String>| (new != *old).then_some(new);
        let new_title = title.get_untracked();
        let input = UpdateTodoInput {
            org: org.id.clone(),
            id: before.id.clone(),
            title: (new_title != before.title).then_some(new_title),
            description: changed(optional(description.get_untracked()), &before.description),
            priority: Some(priority.get_untracked()).filter(|p| p != before.priority.as_str()),
            due_date: changed(optional(due.get_untracked()), &before.due_date),
            assigned_to: changed(optional(assignee.get_untracked()), &before.assigned_to),
        };
        save.dispatch(input);
    };
    let cancel_href = list_href.clone();
    let navigate_back = use_navigate();
    let on_keydown = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            navigate_back(&list_href, NavigateOptions::default());
        }
    };
    view! {
        <form class="edit-todo" novalidate on:submit=on_submit on:keydown=on_keydown>
            <FormAlert error />
            <div class="field" class:invalid=invalid("title")>
                <label for="edit-title-input">{move || i18n.t("todos-field-title")}</label>
                <input
                    id="edit-title-input"
                    name="title"
                    required
                    maxlength=TITLE_MAX_CHARS
                    value=title.get_untracked()
                    prop:value=move || title.get()
                    on:input=move |event| title.set(event_target_value(&event))
                />
                <FieldError error name="title" />
            </div>
            <div class="field" class:invalid=invalid("description")>
                <label for="edit-description">{move || i18n.t("todos-field-description")}</label>
                <textarea
                    id="edit-description"
                    name="description"
                    rows=6
                    maxlength=DESCRIPTION_MAX_CHARS
                    prop:value=move || description.get()
                    on:input=move |event| description.set(event_target_value(&event))
                >
                    {original.with_value(|t| t.description.clone().unwrap_or_default())}
                </textarea>
                <FieldError error name="description" />
            </div>
            <div class="field">
                <label for="edit-priority">{move || i18n.t("todos-field-priority")}</label>
                <select
                    id="edit-priority"
                    name="priority"
                    prop:value=move || priority.get()
                    on:change=move |event| priority.set(event_target_value(&event))
                >
                    {Priority::ALL
                        .into_iter()
                        .map(|p| {
                            let selected = original.with_value(|t| t.priority) == p;
                            view! { <option value=p.as_str() selected=selected>{move || i18n.t(p.label_key())}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field" class:invalid=invalid("due_date")>
                <label for="edit-due">{move || i18n.t("todos-field-due")}</label>
                <input
                    id="edit-due"
                    name="due_date"
                    type="date"
                    value=due.get_untracked()
                    prop:value=move || due.get()
                    on:input=move |event| due.set(event_target_value(&event))
                />
                <FieldError error name="due_date" />
            </div>
            <div class="field" class:invalid=invalid("assigned_to")>
                <label for="edit-assignee">{move || i18n.t("todos-field-assignee")}</label>
                <select id="edit-assignee" name="assigned_to" prop:value=move || assignee.get() on:change=move |event| assignee.set(event_target_value(&event))>
                    <option value="">{move || i18n.t("todos-unassigned")}</option>
                    // A member may pick themselves; the current assignee stays listed.
                    {
                        let current = assignee.get_untracked();
                        assignee_options(assignable(&names, can_assign, &[&me, &current]), &current)
                    }
                </select>
                <FieldError error name="assigned_to" />
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t("form-working") } else { i18n.t("todos-save") }}
                </button>
                <A href=cancel_href>{move || i18n.t("todos-cancel")}</A>
            </div>
        </form>
    }
    .into_any()
}
