//! The translations as the browser renders them: the same `.ftl` files, compiled by `build.rs`
//! into static tables, formatted by the few lines below. The wasm bundle thus carries neither
//! the fluent runtime (with its plural rules for every language) nor the `.ftl` sources.
//!
//! The server formats with fluent itself; `tests/translations.rs` renders every key in every
//! locale through both, with text and number arguments, and fails on any difference.

use super::{Arg, Locale};

/// One part of a compiled message.
#[derive(Debug)]
enum Piece {
    /// Literal text.
    Text(&'static str),
    /// The value of the named argument.
    Arg(&'static str),
    /// A choice on an argument.
    Select(&'static Select),
}

/// A Fluent select expression: the first variant whose key matches the argument, else the
/// default one.
#[derive(Debug)]
struct Select {
    arg: &'static str,
    variants: &'static [(Key, &'static [Piece])],
    default: usize,
}

/// A variant key: a plural category or a text value (`one`, `other`…), or an exact number.
#[derive(Debug)]
enum Key {
    Name(&'static str),
    #[allow(dead_code, reason = "build.rs writes it for a `[0]`-style key; no message has one yet")]
    Number(i64),
}

/// A locale's messages, sorted by key.
type Messages = &'static [(&'static str, &'static [Piece])];

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

fn table(locale: Locale) -> Messages {
    TABLES.iter().find(|(tag, _)| *tag == locale.as_str()).map_or(&[], |(_, messages)| *messages)
}

fn message(locale: Locale, key: &str) -> Option<&'static [Piece]> {
    let messages = table(locale);
    messages.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|index| messages[index].1)
}

/// Whether `locale` has a message for `key`.
pub fn has_key(locale: Locale, key: &str) -> bool {
    message(locale, key).is_some()
}

/// The message `key` in `locale` with `args`, or `None` when there is no such message.
pub fn format(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> Option<String> {
    let pieces = message(locale, key)?;
    let mut text = String::new();
    write(&mut text, pieces, locale, args);
    Some(text)
}

fn write(text: &mut String, pieces: &[Piece], locale: Locale, args: &[(&str, Arg<'_>)]) {
    let arg = |name: &str| args.iter().find(|(n, _)| *n == name).map(|(_, value)| value);
    for piece in pieces {
        match piece {
            Piece::Text(literal) => text.push_str(literal),
            Piece::Arg(name) => match arg(name) {
                Some(Arg::Text(value)) => text.push_str(value),
                Some(Arg::Number(number)) => text.push_str(&number.to_string()),
                // What fluent writes for a missing argument.
                None => {
                    text.push_str("{$");
                    text.push_str(name);
                    text.push('}');
                }
            },
            Piece::Select(select) => {
                let value = arg(select.arg);
                let chosen = select
                    .variants
                    .iter()
                    .find(|(key, _)| value.is_some_and(|value| matches(key, value, locale)))
                    .unwrap_or(&select.variants[select.default]);
                write(text, chosen.1, locale, args);
            }
        }
    }
}

/// Fluent's rule: text matches text exactly, a number matches an equal number or its plural
/// category.
fn matches(key: &Key, value: &Arg<'_>, locale: Locale) -> bool {
    match (key, value) {
        (Key::Name(name), Arg::Text(text)) => name == text,
        (Key::Name(name), Arg::Number(number)) => *name == plural_category(locale, *number),
        (Key::Number(expected), Arg::Number(number)) => expected == number,
        (Key::Number(_), Arg::Text(_)) => false,
    }
}

/// The CLDR cardinal plural category of a whole number (the rules fluent applies on the
/// server; `tests/translations.rs` checks them against its rule tables).
pub fn plural_category(locale: Locale, number: i64) -> &'static str {
    match locale {
        // en: one when i = 1 and v = 0; es: one when n = 1. Whole numbers only, so both are n = 1.
        Locale::En | Locale::Es => {
            if number == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// Every key of `locale`, sorted (for the tests).
pub fn keys(locale: Locale) -> impl Iterator<Item = &'static str> {
    table(locale).iter().map(|(key, _)| *key)
}

/// The names of the arguments the message `key` reads, in order of first use (for the tests).
pub fn arguments(locale: Locale, key: &str) -> Vec<&'static str> {
    fn collect(pieces: &[Piece], names: &mut Vec<&'static str>) {
        for piece in pieces {
            let (name, nested) = match piece {
                Piece::Text(_) => continue,
                Piece::Arg(name) => (*name, None),
                Piece::Select(select) => (select.arg, Some(select.variants)),
            };
            if !names.contains(&name) {
                names.push(name);
            }
            for (_, pieces) in nested.unwrap_or_default() {
                collect(pieces, names);
            }
        }
    }
    let mut names = Vec::new();
    collect(message(locale, key).unwrap_or_default(), &mut names);
    names
}
