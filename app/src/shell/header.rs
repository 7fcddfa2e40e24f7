//! The site header: brand, navigation and preference pickers.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    auth::view::{AccountMenu, use_current_user},
    i18n::use_i18n,
    orgs::view::OrgSwitcher,
    preferences::view::{LanguagePicker, ThemePicker},
};

/// The top bar of every page.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                {move || i18n.t("app-name")}
            </A>
            <nav aria-label=move || i18n.t("nav-label")>
                <ul>
                    <li>
                        <A href="/">{move || i18n.t("nav-home")}</A>
                    </li>
                    <Show when=move || current.get().is_some()>
                        <li>
                            <A href="/orgs">{move || i18n.t("nav-orgs")}</A>
                        </li>
                    </Show>
                    <Show when=move || current.get().is_some_and(|user| user.is_admin)>
                        <li>
                            <A href="/admin">{move || i18n.t("nav-admin")}</A>
                        </li>
                    </Show>
                </ul>
            </nav>
            <OrgSwitcher />
            <div class="preferences">
                <LanguagePicker />
                <ThemePicker />
            </div>
            <AccountMenu />
        </header>
    }
}
