//! The head of a page: its one `<h1>`, a line saying what the page is for, and the page's
//! own actions on the right (on a phone, under the title).

use leptos::prelude::*;

/// A page's title (the page's only `<h1>`, labelling `aria-labelledby=id` regions), an
/// optional lead line and the page's actions.
#[component]
pub fn PageHeader(
    /// The title, already translated (a string or a closure, which keeps it reactive).
    #[prop(into)]
    title: TextProp,
    /// The heading's id, for a section labelled by it.
    #[prop(optional)]
    id: &'static str,
    /// A sentence under the title.
    #[prop(optional, into)]
    lead: Option<TextProp>,
    /// `data-testid` of the heading.
    #[prop(optional)]
    testid: &'static str,
    /// The page's own actions (buttons, links).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div class="page-title">
                <h1 id=(!id.is_empty()).then_some(id) data-testid=(!testid.is_empty()).then_some(testid)>
                    {move || title.get().into_owned()}
                </h1>
                {lead.map(|lead| view! { <p class="page-lead">{move || lead.get().into_owned()}</p> })}
            </div>
            {children.map(|actions| view! { <div class="page-actions">{actions()}</div> })}
        </header>
    }
}
