//! `/o/{slug}`: the frame of an organization's pages (its name, the caller's role, the tabs the
//! role may use) and the overview page.

use leptos::prelude::*;
use leptos_router::{components::Outlet, hooks::use_params_map};

use crate::{
    account::view::RequireUser,
    auth::view::use_current_user,
    error::{AppError, ErrorCode},
    i18n::use_i18n,
    orgs::{
        api::org_by_slug,
        model::{OrgSummary, SlugInput},
        permissions::Permission,
    },
    ui::{ErrorView, NotFound, PageHeader, Tabs},
};

/// The organization of the current URL, loaded once for the frame and every page in it.
#[derive(Clone, Copy)]
pub struct ActiveOrg {
    /// The organization (or why it cannot be shown).
    pub org: Resource<Result<OrgSummary, AppError>>,
    /// Bump to load it again (after a rename).
    pub reload: RwSignal<u32>,
}

/// The [`ActiveOrg`] of the enclosing `/o/{slug}` frame.
pub fn use_active_org() -> ActiveOrg {
    expect_context::<ActiveOrg>()
}

/// `/o/{slug}/…`: loads the organization by its slug (404 for non-members, like for unknown
/// slugs), shows its header and tabs, and renders the page below.
#[component]
pub fn OrgLayout() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let current = use_current_user();
    let user_id = Memo::new(move |_| current.get().map(|user| user.id));
    let reload = RwSignal::new(0_u32);
    let org = Resource::new(
        move || (slug.get(), user_id.get(), reload.get()),
        |(slug, _, _)| org_by_slug(SlugInput { slug }),
    );
    provide_context(ActiveOrg { org, reload });
    view! {
        <RequireUser>
            <div class="org-frame">
                <Suspense fallback=|| ()>
                    {move || {
                        org.get()
                            .map(|result| match result {
                                Ok(org) => view! { <OrgHeader org /> }.into_any(),
                                Err(error) if error.code == ErrorCode::BizNotFound => {
                                    view! { <NotFound /> }.into_any()
                                }
                                Err(error) => view! { <ErrorView error /> }.into_any(),
                            })
                    }}
                </Suspense>
                <Outlet />
            </div>
        </RequireUser>
    }
    .into_any()
}

#[component]
fn OrgHeader(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let base = format!("/o/{}", org.slug);
    let role = org.role;
    let mut tabs = vec![
        (base.clone(), "org-tab-overview"),
        (format!("{base}/todos"), "org-tab-todos"),
        (format!("{base}/team"), "org-tab-team"),
    ];
    if role.can(Permission::OrganizationUpdate) {
        tabs.push((format!("{base}/settings"), "org-tab-settings"));
    }
    if role.can(Permission::AuditRead) {
        tabs.push((format!("{base}/audit"), "org-tab-audit"));
    }
    if role.can(Permission::BillingRead) {
        tabs.push((format!("{base}/billing"), "org-tab-billing"));
    }
    view! {
        <PageHeader
            title=org.name.clone()
            testid="org-name"
            lead=move || i18n.t_args("org-your-role", &[("role", i18n.t(role.label_key()).into())])
        />
        <Tabs label="org-nav" items=tabs />
    }
}

/// Renders `render` with the active organization once it is loaded (nothing while loading or
/// when it failed: the frame shows that).
#[component]
pub fn WithOrg<F, V>(render: F) -> impl IntoView
where
    F: Fn(OrgSummary) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let active = use_active_org();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                active.org.get().and_then(Result::ok).map(render)
            }}
        </Suspense>
    }
    .into_any()
}

/// `/o/{slug}`: what the caller may do here.
#[component]
pub fn OrgOverview() -> impl IntoView {
    view! { <WithOrg render=|org| view! { <Overview org /> } /> }
}

#[component]
fn Overview(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let role = org.role;
    view! {
        <section class="settings-block" aria-labelledby="overview-title">
            <h2 id="overview-title">{move || i18n.t("org-permissions-title")}</h2>
            <ul class="permission-list" data-testid="permissions">
                {Permission::ALL
                    .into_iter()
                    .filter(|permission| role.can(*permission))
                    .map(|permission| {
                        let key = permission.label_key();
                        view! { <li data-permission=permission.as_str()>{move || i18n.t(&key)}</li> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
