//! The supported locales and how a request picks one.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A language the UI is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// Spanish.
    Es,
}

/// The text is not a supported locale.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported locale")]
pub struct LocaleParseError;

impl Locale {
    /// Every supported locale.
    pub const ALL: [Self; 2] = [Self::En, Self::Es];

    /// The BCP 47 tag, e.g. `en`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
        }
    }

    /// The language's name in itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Es => "Español",
        }
    }

    /// The fluent language identifier.
    #[cfg(feature = "ssr")]
    pub fn langid(self) -> unic_langid::LanguageIdentifier {
        use unic_langid::langid;
        match self {
            Self::En => langid!("en"),
            Self::Es => langid!("es"),
        }
    }

    /// The best supported locale for an `Accept-Language` header value, if any matches.
    ///
    /// Entries are taken by quality (`q=`), then by order; `es-MX` matches `es`.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut ranges: Vec<(f32, usize, &str)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(index, entry)| {
                let mut parts = entry.trim().split(';');
                let tag = parts.next()?.trim();
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && quality > 0.0).then_some((quality, index, tag))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.into_iter().find_map(|(_, _, tag)| {
            let primary = tag.split(['-', '_']).next().unwrap_or(tag);
            primary.parse().ok()
        })
    }
}

impl FromStr for Locale {
    type Err = LocaleParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|locale| locale.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(LocaleParseError)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_then_order() {
        assert_eq!(Locale::negotiate("es-MX,es;q=0.9,en;q=0.8"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("fr-FR, en;q=0.5, es;q=0.7"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("en-GB"), Some(Locale::En));
        assert_eq!(Locale::negotiate("fr, de"), None);
        assert_eq!(Locale::negotiate("es;q=0, en"), Some(Locale::En));
        assert_eq!(Locale::negotiate(""), None);
    }

    #[test]
    fn parses_tags() {
        assert_eq!("ES".parse(), Ok(Locale::Es));
        assert_eq!("fr".parse::<Locale>(), Err(LocaleParseError));
    }
}
