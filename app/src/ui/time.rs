//! A moment or a day, written as the person reads it.

use leptos::prelude::*;

use crate::i18n::{
    time::{Utc, local_text, use_time_zone},
    use_i18n,
};

/// `at` (UTC, as the API writes it) in the person's time zone and language — "Dec 7, 2026,
/// 1:51 PM" — with the exact UTC time on hover. A day (a due date) is written as that day.
/// Text that is not a time is shown as it is.
#[component]
pub fn Time(
    /// `2026-12-07T13:51:07`, `2026-12-07 13:51 UTC` or `2026-12-07`.
    #[prop(into)]
    at: String,
    /// Only the day (in the person's zone), as in a table's date column.
    #[prop(optional)]
    day_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let zone = use_time_zone();
    match Utc::parse(&at) {
        Some(utc) => {
            let text = move || local_text(i18n.locale.get(), zone.get().as_deref(), utc, day_only);
            view! { <time datetime=utc.datetime() title=utc.exact()>{text}</time> }.into_any()
        }
        None => view! { <span>{at}</span> }.into_any(),
    }
}
