//! The site header: brand, navigation and preference pickers.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    auth::view::AccountMenu,
    i18n::use_i18n,
    preferences::view::{LanguagePicker, ThemePicker},
};

/// The top bar of every page.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
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
                </ul>
            </nav>
            <div class="preferences">
                <LanguagePicker />
                <ThemePicker />
            </div>
            <AccountMenu />
        </header>
    }
}
