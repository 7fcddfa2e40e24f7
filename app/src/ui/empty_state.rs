//! What a list says when it has nothing to show.

use leptos::prelude::*;

/// A framed, centred message where a list or table would be, with an optional next step
/// (a link or a button) under it.
#[component]
pub fn EmptyState(
    /// The message, already translated.
    #[prop(into)]
    message: TextProp,
    /// `data-testid` of the message.
    #[prop(optional)]
    testid: &'static str,
    /// The next step, if there is one.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <p data-testid=(!testid.is_empty()).then_some(testid)>{move || message.get().into_owned()}</p>
            {children.map(|next| next())}
        </div>
    }
}
