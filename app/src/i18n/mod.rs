//! Translations: one fluent file per locale, compiled into both the server and the wasm bundle.
//!
//! Views call [`I18n::t`] (reactive on the current locale); server code calls [`t`] with the
//! request's locale. A missing key renders the key itself and logs a warning — the page never
//! breaks — and the coverage tests fail on it.

mod locale;

use std::{collections::HashMap, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use leptos::prelude::*;

pub use locale::{Locale, LocaleParseError};

const EN: &str = include_str!("../../locales/en/main.ftl");
const ES: &str = include_str!("../../locales/es/main.ftl");

/// The fluent source of `locale`.
pub fn source(locale: Locale) -> &'static str {
    match locale {
        Locale::En => EN,
        Locale::Es => ES,
    }
}

static BUNDLES: LazyLock<HashMap<Locale, FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Locale::ALL
        .into_iter()
        .map(|locale| {
            let resource = FluentResource::try_new(source(locale).to_owned()).unwrap_or_else(
                |(resource, errors)| {
                    tracing::error!(?errors, %locale, "fluent syntax errors");
                    resource
                },
            );
            let mut bundle = FluentBundle::new_concurrent(vec![locale.langid()]);
            // No Unicode isolation marks around arguments: they show up in copied text and tests.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(?errors, %locale, "fluent resource errors");
            }
            (locale, bundle)
        })
        .collect()
});

/// Whether `locale` has a message for `key`.
pub fn has_key(locale: Locale, key: &str) -> bool {
    BUNDLES.get(&locale).is_some_and(|bundle| bundle.has_message(key))
}

/// The message `key` in `locale`.
pub fn t(locale: Locale, key: &str) -> String {
    t_args(locale, key, &[])
}

/// The message `key` in `locale`, with named arguments.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let Some(bundle) = BUNDLES.get(&locale) else { return key.to_owned() };
    let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
        tracing::warn!(%locale, key, "missing translation");
        return key.to_owned();
    };
    let args = (!args.is_empty()).then(|| {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        fluent_args
    });
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(%locale, key, ?errors, "translation formatting errors");
    }
    text.into_owned()
}

/// The current locale, provided as context by the app shell.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    /// The locale the UI renders in.
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// The message `key` in the current locale (tracks the locale signal).
    pub fn t(self, key: &str) -> String {
        t(self.locale.get(), key)
    }

    /// The message `key` with arguments in the current locale (tracks the locale signal).
    pub fn t_args(self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        t_args(self.locale.get(), key, args)
    }
}

/// The [`I18n`] context of the current app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
