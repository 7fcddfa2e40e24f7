//! The organization switcher in the site header: the organization of the current URL and links
//! to the others. A [`Menu`], so it works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    auth::view::use_current_user,
    i18n::use_i18n,
    orgs::api::list_orgs,
    ui::{Avatar, Menu},
};

/// The slug of an `/o/{slug}/…` path.
fn slug_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/o/")?;
    let slug = rest.split('/').next()?;
    (!slug.is_empty()).then(|| slug.to_owned())
}

/// Bumped by a page that changes what the switcher shows of an organization without leaving
/// the page (its logo), so the switcher loads the list again.
#[derive(Clone, Copy)]
pub struct OrgsChanged(RwSignal<u32>);

impl OrgsChanged {
    /// Makes the signal for the components below; called once by the app shell.
    pub fn provide() {
        provide_context(Self(RwSignal::new(0)));
    }

    /// The app's signal, if the shell provided one; read it while the component is built.
    pub fn get() -> Option<Self> {
        use_context::<Self>()
    }

    /// Tells the switcher to load the list again.
    pub fn notify(self) {
        self.0.update(|n| *n += 1);
    }
}

/// Shows the active organization and switches to another; signed-in users only.
#[component]
pub fn OrgSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let location = use_location();
    let user_id = Memo::new(move |_| current.get().map(|user| user.id));
    let active = Memo::new(move |_| slug_of(&location.pathname.get()));
    let changed = use_context::<OrgsChanged>().map(|OrgsChanged(version)| version);
    // Loaded again on every navigation: organizations are created, renamed and left on pages.
    let orgs = Resource::new(
        move || (user_id.get(), location.pathname.get(), changed.map(|version| version.get())),
        |(user, _, _)| async move {
            match user {
                Some(_) => list_orgs().await,
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || {
                let list = orgs.get().and_then(Result::ok).filter(|list| !list.is_empty())?;
                let active_slug = active.get();
                let active_org =
                    active_slug.as_ref().and_then(|slug| list.iter().find(|org| &org.slug == slug));
                let active_name = active_org.map(|org| org.name.clone());
                // The active organization's logo beside its name, when it has one.
                let active_logo = active_org
                    .and_then(|org| org.logo.clone().map(|logo| (org.name.clone(), logo.small)));
                // The accessible name starts with what the button shows (the organization, or
                // "Organizations" outside of one), then says what the menu does.
                let shown = move || active_name.clone().unwrap_or_else(|| i18n.t("switcher-choose"));
                let label = shown.clone();
                let accessible = move || i18n.t_args("switcher-label-active", &[("name", shown().into())]);
                Some(view! {
                    <Menu
                        class="org-switcher"
                        label=accessible
                        testid="org-switcher"
                        summary=move || {
                            let logo = active_logo.clone().map(|(name, src)| {
                                view! { <Avatar name src=Some(src) logo=true /> }
                            });
                            view! { {logo} <span class="switcher-label">{label.clone()}</span> }
                        }
                    >
                        <ul>
                            {list
                                .into_iter()
                                .map(|org| {
                                    let here = active_slug.as_deref() == Some(org.slug.as_str());
                                    view! {
                                        <li>
                                            <a href=format!("/o/{}", org.slug) aria-current=here.then_some("page")>
                                                <Avatar name=org.name.clone() src=org.logo.map(|logo| logo.small) logo=true />
                                                {org.name}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <ul class="menu-section">
                            <li>
                                <a href="/orgs">{move || i18n.t("switcher-all")}</a>
                            </li>
                        </ul>
                    </Menu>
                })
            }}
        </Transition>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_come_from_org_paths() {
        assert_eq!(slug_of("/o/acme/team").as_deref(), Some("acme"));
        assert_eq!(slug_of("/o/acme").as_deref(), Some("acme"));
        assert_eq!(slug_of("/orgs"), None);
        assert_eq!(slug_of("/o/"), None);
    }
}
