//! Toasts: short messages in a corner of the page (an error, a change that can be undone),
//! announced to screen readers, dismissed after a while or by hand.

use std::{sync::Arc, time::Duration};

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// How long an information toast stays.
const INFO_FOR: Duration = Duration::from_secs(5);
/// How long an error toast stays.
const ERROR_FOR: Duration = Duration::from_secs(8);

/// What a toast's button does.
type ToastAction = Arc<dyn Fn() + Send + Sync>;

/// One toast.
#[derive(Clone)]
struct Toast {
    id: u64,
    text: String,
    error: bool,
    /// A button (translation key of its label, what it does), e.g. "Undo".
    action: Option<(&'static str, ToastAction)>,
}

/// The toasts of a page: [`Toasts::provide`] once, [`use_toasts`] to add some.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: RwSignal<u64>,
}

impl Toasts {
    /// Makes a toast list for the components below and returns it.
    pub fn provide() -> Self {
        let toasts = Self { list: RwSignal::new(Vec::new()), next_id: RwSignal::new(0) };
        provide_context(toasts);
        toasts
    }

    fn push(self, toast: Toast, stay: Duration) {
        let id = toast.id;
        self.list.update(|list| list.push(toast));
        set_timeout(move || self.dismiss(id), stay);
    }

    fn new_id(self) -> u64 {
        let id = self.next_id.get_untracked() + 1;
        self.next_id.set(id);
        id
    }

    /// Shows `text` as an error.
    pub fn error(self, text: String) {
        self.push(Toast { id: self.new_id(), text, error: true, action: None }, ERROR_FOR);
    }

    /// Shows `text`.
    pub fn info(self, text: String) {
        self.push(Toast { id: self.new_id(), text, error: false, action: None }, INFO_FOR);
    }

    /// Shows `text` with a button labelled `label` that runs `action` (and closes the toast),
    /// for `stay`. (A plain closure rather than a `Callback`: toasts are often raised from a
    /// task whose component is gone by then.)
    pub fn with_action(
        self,
        text: String,
        label: &'static str,
        action: impl Fn() + Send + Sync + 'static,
        stay: Duration,
    ) {
        let action: ToastAction = Arc::new(action);
        let toast = Toast { id: self.new_id(), text, error: false, action: Some((label, action)) };
        self.push(toast, stay);
    }

    /// Removes toast `id`.
    fn dismiss(self, id: u64) {
        self.list.update(|list| list.retain(|toast| toast.id != id));
    }
}

/// The page's [`Toasts`].
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where the toasts show: a polite live region (errors are alerts).
#[component]
pub fn ToastHost(toasts: Toasts) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="toasts" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.list.get() key=|toast| toast.id let:toast>
                {
                    let id = toast.id;
                    let action = toast.action.map(|(label, run)| {
                        view! {
                            <button
                                type="button"
                                class="toast-action"
                                on:click=move |_| {
                                    toasts.dismiss(id);
                                    run();
                                }
                            >
                                {move || i18n.t(label)}
                            </button>
                        }
                    });
                    view! {
                        <div class="toast" class:toast-error=toast.error role=toast.error.then_some("alert")>
                            <span>{toast.text}</span>
                            {action}
                            <button
                                type="button"
                                class="toast-close"
                                aria-label=move || i18n.t("toast-dismiss")
                                on:click=move |_| toasts.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}
