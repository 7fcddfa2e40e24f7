//! A menu that opens under its button: the account menu, the preferences of a visitor, the
//! organization switcher.

use leptos::{html, prelude::*};
use leptos_router::hooks::use_location;

/// A `<details>` menu, so it opens and its forms work without JavaScript. Once hydrated it also
/// closes when a link in it is followed, on a click outside it, and on Escape (which puts the
/// focus back on its button).
///
/// On a phone's width the panel spans the screen under the header instead of hanging from
/// its button, so it never makes the page scroll sideways.
#[component]
pub fn Menu<S, V, C>(
    /// Extra classes of the `<details>`, e.g. `account-menu`.
    #[prop(optional)]
    class: &'static str,
    /// The accessible name of the button: needed when it shows an icon, and otherwise starting
    /// with the text it shows.
    #[prop(optional, into)]
    label: Option<TextProp>,
    /// `data-testid` of the button.
    #[prop(optional)]
    testid: &'static str,
    /// What the button shows.
    summary: S,
    /// The panel.
    children: TypedChildren<C>,
) -> impl IntoView
where
    S: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
    C: IntoView + 'static,
{
    // Generic rather than `ViewFn`/`Children`: the header is in the main wasm, and a view erased
    // to `AnyView` carries both hydration paths of everything in it.
    let menu = NodeRef::<html::Details>::new();
    dismiss_on_leave(menu);
    let class = if class.is_empty() { "menu".to_owned() } else { format!("menu {class}") };
    let children = children.into_inner();
    view! {
        <details class=class node_ref=menu>
            <summary aria-label=move || label.as_ref().map(|label| label.get().into_owned()) data-testid=(!testid.is_empty()).then_some(testid)>
                {summary()}
            </summary>
            <div class="menu-panel">{children()}</div>
        </details>
    }
}

/// Closes `menu` on a navigation, a click outside it and Escape.
fn dismiss_on_leave(menu: NodeRef<html::Details>) {
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        if let Some(menu) = menu.get_untracked() {
            menu.set_open(false);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;

        let outside = window_event_listener(leptos::ev::click, move |event| {
            let Some(menu) = menu.get_untracked() else { return };
            let target = event.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if menu.open() && !menu.contains(target.as_ref()) {
                menu.set_open(false);
            }
        });
        let escape = window_event_listener(leptos::ev::keydown, move |event| {
            let Some(menu) = menu.get_untracked() else { return };
            if event.key() == "Escape" && menu.open() {
                menu.set_open(false);
                if let Some(summary) = menu
                    .first_element_child()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = summary.focus();
                }
            }
        });
        on_cleanup(move || {
            outside.remove();
            escape.remove();
        });
    }
}
