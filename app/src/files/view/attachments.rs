//! A todo's attachments on its edit page: the list (download, remove) and the upload form.

use leptos::{ev, form::ActionForm, html, prelude::*};

use super::{FileChooser, Sending, UploadAlert, send_form};
use crate::{
    error::ErrorCode,
    files::{
        api::{DeleteAttachment, list_attachments},
        model::{Attachment, AttachmentsInput, FILE_FIELD},
    },
    forms::{FormAlert, form_error},
    i18n::use_i18n,
    orgs::{model::OrgSummary, permissions::Permission},
    ui::{EmptyState, ErrorView, Time, format_bytes},
};

/// Where attachments are posted.
const UPLOAD_PATH: &str = "/api/todos/attachments";

/// The attachments of todo `todo` of `org`: everyone who can see the todo downloads them;
/// those who may change it (`todos:update`) add and remove them. Nothing when there is no such
/// todo (the page says so). Built outside the page's other `Suspense`, so its resource is made
/// once, in the same order on the server and in the browser.
#[component]
pub fn Attachments(org: OrgSummary, #[prop(into)] todo: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let can_edit = org.role.can(Permission::TodosUpdate);
    let reload = RwSignal::new(0_u32);
    let org_id = org.id.clone();
    let list = Resource::new(
        move || (todo.get(), reload.get()),
        move |(todo, _)| list_attachments(AttachmentsInput { org: org_id.clone(), todo }),
    );
    let remove = ServerAction::<DeleteAttachment>::new();
    let remove_error = form_error(remove);
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            reload.update(|n| *n += 1);
        }
    });
    let org_id = StoredValue::new(org.id.clone());
    let rows = move |items: Vec<Attachment>| {
        if items.is_empty() {
            return view! { <EmptyState message=move || i18n.t("attachments-empty") /> }.into_any();
        }
        view! {
            <ul class="attachment-list" data-testid="attachment-list">
                {items
                    .into_iter()
                    .map(|item| view! { <AttachmentRow item org=org_id.get_value() remove can_edit /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="settings-block" aria-labelledby="attachments-title">
            <h2 id="attachments-title">{move || i18n.t("attachments-title")}</h2>
            <FormAlert error=remove_error />
            <Transition fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Ok(items) => rows(items),
                            Err(error) if error.code == ErrorCode::BizNotFound => ().into_any(),
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                        })
                }}
            </Transition>
            {can_edit.then(|| view! { <UploadForm org=org.id.clone() todo reload /> })}
        </section>
    }
    .into_any()
}

#[component]
fn AttachmentRow(
    item: Attachment,
    org: String,
    remove: ServerAction<DeleteAttachment>,
    can_edit: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let size = format_bytes(i64::try_from(item.size_bytes).unwrap_or(i64::MAX));
    let name = item.file_name.clone();
    view! {
        <li class="attachment">
            // An attachment always downloads (the server says so too): never opened in the page.
            <a href=item.download_url download=item.file_name.clone() rel="nofollow">
                {item.file_name.clone()}
            </a>
            <span class="attachment-meta">
                {size} " · " <Time at=item.created_at.clone() />
            </span>
            {can_edit.then(|| view! {
                <ActionForm action=remove>
                    <input type="hidden" name="org" value=org />
                    <input type="hidden" name="id" value=item.id />
                    <button
                        type="submit"
                        class="btn btn-quiet"
                        aria-label=move || i18n.t_args("attachments-remove-named", &[("name", name.clone().into())])
                    >
                        {move || i18n.t("attachments-remove")}
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn UploadForm(org: String, todo: Signal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let sending = Sending::new();
    let form = NodeRef::<html::Form>::new();
    let input = NodeRef::<html::Input>::new();
    let submit = move || {
        send_form::<Attachment>(form, sending, move |result| {
            if result.is_ok() {
                if let Some(form) = form.get_untracked() {
                    form.reset();
                }
                reload.update(|n| *n += 1);
            }
        });
    };
    let on_file = Callback::new(move |()| submit());
    view! {
        <form
            class="attachment-form"
            method="post"
            action=UPLOAD_PATH
            enctype="multipart/form-data"
            node_ref=form
            on:submit=move |event: ev::SubmitEvent| {
                event.prevent_default();
                submit();
            }
        >
            <UploadAlert sending path=UPLOAD_PATH />
            // Before the file: the server reads the fields in order.
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="todo" value=todo />
            <FileChooser
                input
                on_file
                sending
                field=FILE_FIELD
                label="attachments-choose"
                hint="attachments-hint"
                submit="attachments-upload"
            />
        </form>
    }
    .into_any()
}
