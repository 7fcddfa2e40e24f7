//! The site header: brand, navigation, organization switcher and the account menu.
//!
//! One row on every width. On a phone the navigation's links live in the account menu (the
//! brand leads home), the account menu shows the avatar only, and menus open across the
//! screen under the header. Language and theme are in the account menu, or in a preferences
//! menu of their own for a visitor; both are `<details>` menus of plain forms, so everything in
//! the header works without JavaScript.

use leptos::{either::Either, prelude::*};
use leptos_router::components::A;

use crate::{
    auth::view::{SignOutButton, VisitorLinks, use_current_user},
    i18n::use_i18n,
    orgs::view::OrgSwitcher,
    preferences::view::{LanguagePicker, ThemePicker},
    ui::{Avatar, Menu},
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
            <nav class="site-nav" aria-label=move || i18n.t("nav-label")>
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
            <div class="header-end">
                <OrgSwitcher />
                <AccountMenu />
            </div>
        </header>
    }
}

/// The signed-in person's menu (who they are, their pages, language, theme, sign out), or a
/// visitor's sign-in links and preferences.
#[component]
fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    move || match current.get() {
        Some(user) => Either::Left({
            let name = user.name.clone();
            let avatar = user.avatar.clone().map(|picture| picture.small);
            view! {
                // Named by the person's name: the text it shows, which a phone's width hides.
                <Menu
                    class="account-menu"
                    label=user.name.clone()
                    testid="account-menu"
                    summary=move || {
                        view! {
                            <Avatar name=name.clone() src=avatar.clone() />
                            <span class="account-name" data-testid="account-name">{name.clone()}</span>
                        }
                    }
                >
                    <div class="menu-identity">
                        <strong>{user.name.clone()}</strong>
                        <span>{user.email.clone()}</span>
                    </div>
                    <ul class="menu-section">
                        <li>
                            <a href="/orgs">{move || i18n.t("nav-orgs")}</a>
                        </li>
                        <li>
                            <a href="/account">{move || i18n.t("settings-profile")}</a>
                        </li>
                        <li>
                            <a href="/account/security">{move || i18n.t("settings-security")}</a>
                        </li>
                        {user
                            .is_admin
                            .then(|| view! { <li><a href="/admin">{move || i18n.t("nav-admin")}</a></li> })}
                    </ul>
                    <div class="menu-section">
                        <LanguagePicker />
                        <ThemePicker />
                    </div>
                    <div class="menu-section">
                        <SignOutButton />
                    </div>
                </Menu>
            }
        }),
        None => Either::Right(view! {
            <div class="visitor-actions">
                <VisitorLinks />
                <Menu
                    class="preferences-menu"
                    label=move || i18n.t("preferences-label")
                    testid="preferences-menu"
                    summary=|| view! { <SlidersIcon /> }
                >
                    <LanguagePicker />
                    <ThemePicker />
                </Menu>
            </div>
        }),
    }
}

/// The preferences menu's icon (the menu's name is its label).
#[component]
fn SlidersIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true">
            <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" />
            <circle cx="16" cy="6" r="2" />
            <circle cx="10" cy="12" r="2" />
            <circle cx="18" cy="18" r="2" />
        </svg>
    }
}
