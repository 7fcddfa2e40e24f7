//! Disclosures that hold a form: a dialog (invite someone) and the confirmation of a
//! destructive action. Both are `<details>`, so they open and submit without JavaScript.

use leptos::prelude::*;

/// A quiet, red button that opens the confirmation of a destructive action: the question and
/// the loud button that does it (`btn btn-danger`) are the children. The row shows only the
/// quiet button; the loud one appears after a deliberate click.
#[component]
pub fn Confirm(
    /// The button's text, already translated.
    #[prop(into)]
    open: TextProp,
    /// The confirmation: a form with its question and its danger button.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="btn btn-quiet-danger">{move || open.get().into_owned()}</summary>
            {children()}
        </details>
    }
}

/// A primary button that opens a panel with a form under it.
#[component]
pub fn Dialog(
    /// The button's text, already translated.
    #[prop(into)]
    open: TextProp,
    /// The button's id (a section may be labelled by it).
    #[prop(optional)]
    id: &'static str,
    /// Whether it starts open (e.g. when its form was refused).
    #[prop(optional, into)]
    expanded: Signal<bool>,
    /// The form.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="dialog" open=move || expanded.get()>
            <summary id=(!id.is_empty()).then_some(id) class="btn btn-primary">
                {move || open.get().into_owned()}
            </summary>
            {children()}
        </details>
    }
}
