//! A strip under the header about the whole session: an unconfirmed address, impersonation.

use leptos::prelude::*;

/// How loud a [`Banner`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    /// Information and reminders.
    #[default]
    Info,
    /// Something the person must not forget (acting as someone else).
    Warning,
}

/// A full-width strip with a message and its actions: a status, or an alert when a warning.
#[component]
pub fn Banner<C>(
    /// Its tone.
    #[prop(optional)]
    tone: Tone,
    /// `data-testid` of the strip.
    #[prop(optional)]
    testid: &'static str,
    /// The message and its actions.
    children: TypedChildren<C>,
) -> impl IntoView
where
    C: IntoView + 'static,
{
    // Generic rather than `Children`: the banners are in the main wasm (see `Menu`).
    let children = children.into_inner();
    let (class, role) = match tone {
        Tone::Info => ("banner", "status"),
        Tone::Warning => ("banner banner-warning", "alert"),
    };
    view! {
        <aside class=class role=role data-testid=(!testid.is_empty()).then_some(testid)>
            {children()}
        </aside>
    }
}
