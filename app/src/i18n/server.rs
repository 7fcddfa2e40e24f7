//! The server's translations: the `.ftl` sources formatted by fluent.

use std::{collections::HashMap, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};

use super::{Arg, Locale};

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

pub(super) fn has_key(locale: Locale, key: &str) -> bool {
    BUNDLES.get(&locale).is_some_and(|bundle| bundle.has_message(key))
}

pub(super) fn format(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
    let bundle = BUNDLES.get(&locale)?;
    let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) else {
        tracing::warn!(%locale, key, "missing translation");
        return None;
    };
    let args = (!args.is_empty()).then(|| {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.as_ref()),
                Arg::Number(number) => FluentValue::from(*number),
            };
            fluent_args.set(*name, value);
        }
        fluent_args
    });
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(%locale, key, ?errors, "translation formatting errors");
    }
    Some(text.into_owned())
}
