//! Times and dates as a person reads them: in their time zone (the browser's, stored in their
//! profile) and their language's format — "Dec 7, 2026, 1:51 PM", "7 dic 2026, 13:51".
//!
//! The server and the browser compute the same text, the server with the time-zone database of
//! `chrono-tz` and the browser with `Intl.DateTimeFormat` (no zone data in the wasm), so a
//! hydrated page keeps the server's words. The API keeps answering in UTC; only pages convert.

use leptos::prelude::*;

use super::{Arg, Locale, t, t_args};

/// The person's IANA time zone (`Europe/Madrid`), provided by the app shell; `None` shows UTC.
#[derive(Clone, Copy, Debug)]
pub struct TimeZone(pub Signal<Option<String>>);

/// The [`TimeZone`] of the app (UTC when the shell provides none).
pub fn use_time_zone() -> Signal<Option<String>> {
    use_context::<TimeZone>().map_or_else(|| Signal::stored(None), |zone| zone.0)
}

/// The translation keys of the months' short names, January first.
pub const MONTH_KEYS: [&str; 12] = [
    "month-1", "month-2", "month-3", "month-4", "month-5", "month-6", "month-7", "month-8",
    "month-9", "month-10", "month-11", "month-12",
];

/// A moment or a day in UTC, as the API writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utc {
    /// A moment.
    At(Reading),
    /// A calendar day (a due date, the day someone joined): the same day in every zone.
    Day(Reading),
}

/// What a clock and a calendar show (the time is 00:00 for a day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
}

impl Utc {
    /// Reads `2026-12-07T13:51:07` (a fraction and a `Z` allowed), `2026-12-07 13:51 UTC` or
    /// the day `2026-12-07`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_end_matches(" UTC").trim_end_matches('Z');
        let (date, time) = match text.split_once(['T', ' ']) {
            Some((date, time)) => (date, Some(time)),
            None => (text, None),
        };
        let mut date = date.splitn(3, '-');
        let year = date.next()?.parse().ok()?;
        let month = date.next()?.parse().ok().filter(|m| (1..=12).contains(m))?;
        let day = date.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
        let mut reading = Reading { year, month, day, hour: 0, minute: 0, second: 0 };
        let Some(time) = time else { return Some(Self::Day(reading)) };
        let mut time = time.split('.').next()?.splitn(3, ':');
        reading.hour = time.next()?.parse().ok().filter(|h| *h < 24)?;
        reading.minute = time.next()?.parse().ok().filter(|m| *m < 60)?;
        reading.second = match time.next() {
            Some(second) => second.parse().ok().filter(|s| *s < 60)?,
            None => 0,
        };
        Some(Self::At(reading))
    }

    /// The exact time, for the hover title: `2026-12-07 13:51 UTC`, or the day.
    pub fn exact(self) -> String {
        match self {
            Self::At(r) => {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                    r.year, r.month, r.day, r.hour, r.minute
                )
            }
            Self::Day(r) => format!("{:04}-{:02}-{:02}", r.year, r.month, r.day),
        }
    }

    /// The machine-readable value of `<time datetime>`.
    pub fn datetime(self) -> String {
        match self {
            Self::At(r) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                r.year, r.month, r.day, r.hour, r.minute, r.second
            ),
            Self::Day(r) => format!("{:04}-{:02}-{:02}", r.year, r.month, r.day),
        }
    }
}

/// What the clocks of `zone` showed at `utc`; UTC's reading for a day, without a zone, or when
/// the zone is unknown.
pub fn in_zone(utc: Utc, zone: Option<&str>) -> Reading {
    match (utc, zone) {
        (Utc::Day(reading), _) | (Utc::At(reading), None) => reading,
        (Utc::At(reading), Some(zone)) => convert(reading, zone).unwrap_or(reading),
    }
}

/// `utc` in `zone`, written in `locale`: the date and the time, or the date alone for a day or
/// with `day_only`.
pub fn local_text(locale: Locale, zone: Option<&str>, utc: Utc, day_only: bool) -> String {
    let local = in_zone(utc, zone);
    let month = t(locale, MONTH_KEYS[(local.month as usize - 1) % 12]);
    let date = t_args(
        locale,
        "date-format",
        &[
            ("month", Arg::from(month)),
            ("day", local.day.to_string().into()),
            ("year", local.year.to_string().into()),
        ],
    );
    if day_only || matches!(utc, Utc::Day(_)) {
        return date;
    }
    let (hour12, period) = match local.hour {
        0 => (12, "am"),
        hour @ 1..=11 => (hour, "am"),
        12 => (12, "pm"),
        hour => (hour - 12, "pm"),
    };
    let time = t_args(
        locale,
        "time-format",
        &[
            ("hour24", local.hour.to_string().into()),
            ("hour12", hour12.to_string().into()),
            ("minute", format!("{:02}", local.minute).into()),
            ("period", period.into()),
        ],
    );
    t_args(locale, "datetime-format", &[("date", date.into()), ("time", time.into())])
}

#[cfg(feature = "ssr")]
fn convert(utc: Reading, zone: &str) -> Option<Reading> {
    use chrono::{Datelike as _, TimeZone as _, Timelike as _};

    let zone: chrono_tz::Tz = zone.parse().ok()?;
    let local = chrono::Utc
        .with_ymd_and_hms(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
        .single()?
        .with_timezone(&zone);
    Some(Reading {
        year: local.year(),
        month: local.month(),
        day: local.day(),
        hour: local.hour(),
        minute: local.minute(),
        second: local.second(),
    })
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn convert(utc: Reading, zone: &str) -> Option<Reading> {
    use js_sys::{Array, Date, Function, Intl::DateTimeFormat, Object, Reflect};
    use wasm_bindgen::{JsCast as _, JsValue};

    let options = Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    // Constructed through `Reflect` so that a zone the browser does not know (a RangeError)
    // is an error here rather than an exception through the wasm.
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function =
        Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
    let arguments = Array::of2(&Array::of1(&"en-US".into()), &options);
    let format: DateTimeFormat =
        Reflect::construct(&constructor, &arguments).ok()?.dyn_into().ok()?;
    let millis = Date::utc(f64::from(utc.year), f64::from(utc.month - 1))
        + f64::from(utc.day - 1) * 86_400_000.0
        + f64::from(utc.hour * 3_600 + utc.minute * 60 + utc.second) * 1_000.0;
    let mut local = utc;
    for part in format.format_to_parts(&Date::new(&JsValue::from_f64(millis))).iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        match kind.as_str() {
            "year" => local.year = value.parse().ok()?,
            "month" => local.month = value.parse().ok()?,
            "day" => local.day = value.parse().ok()?,
            "hour" => local.hour = value.parse::<u32>().ok()? % 24,
            "minute" => local.minute = value.parse().ok()?,
            "second" => local.second = value.parse().ok()?,
            _ => {}
        }
    }
    Some(local)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn convert(_: Reading, _: &str) -> Option<Reading> {
    None
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{Locale, Reading, Utc, in_zone, local_text};

    fn at(text: &str) -> Utc {
        Utc::parse(text).expect("a time")
    }

    #[test]
    fn the_api_formats_are_read() {
        let moment = Reading { year: 2026, month: 12, day: 7, hour: 13, minute: 51, second: 7 };
        assert_eq!(Utc::parse("2026-12-07T13:51:07"), Some(Utc::At(moment)));
        assert_eq!(Utc::parse("2026-12-07T13:51:07.250Z"), Some(Utc::At(moment)));
        assert_eq!(
            Utc::parse("2026-12-07 13:51 UTC"),
            Some(Utc::At(Reading { second: 0, ..moment }))
        );
        assert!(matches!(Utc::parse("2026-12-07"), Some(Utc::Day(r)) if r.day == 7));
        for bad in ["", "yesterday", "2026-13-01", "2026-12-07T25:00:00", "2026-12"] {
            assert_eq!(Utc::parse(bad), None, "{bad}");
        }
        assert_eq!(at("2026-12-07T13:51:07").exact(), "2026-12-07 13:51 UTC");
        assert_eq!(at("2026-12-07T13:51:07").datetime(), "2026-12-07T13:51:07Z");
        assert_eq!(at("2026-12-07").datetime(), "2026-12-07");
    }

    #[test]
    fn moments_move_to_the_zone_with_its_summer_time() {
        // Winter in New York is UTC-5, summer UTC-4; Tokyo has no summer time.
        let winter = in_zone(at("2026-01-15T03:30:00"), Some("America/New_York"));
        assert_eq!((winter.year, winter.month, winter.day, winter.hour), (2026, 1, 14, 22));
        let summer = in_zone(at("2026-07-15T03:30:00"), Some("America/New_York"));
        assert_eq!((summer.day, summer.hour, summer.minute), (14, 23, 30));
        let tokyo = in_zone(at("2026-12-31T20:00:00"), Some("Asia/Tokyo"));
        assert_eq!((tokyo.year, tokyo.month, tokyo.day, tokyo.hour), (2027, 1, 1, 5));
        // No zone, an unknown one, or a day: as written.
        let utc = in_zone(at("2026-01-15T03:30:00"), Some("Mars/Olympus"));
        assert_eq!((utc.day, utc.hour), (15, 3));
        let day = in_zone(at("2026-01-15"), Some("Asia/Tokyo"));
        assert_eq!((day.day, day.hour), (15, 0));
    }

    #[test]
    fn each_language_writes_its_own_format() {
        let moment = at("2026-12-07T13:05:00");
        assert_eq!(local_text(Locale::En, None, moment, false), "Dec 7, 2026, 1:05 PM");
        assert_eq!(local_text(Locale::Es, None, moment, false), "7 dic 2026, 13:05");
        assert_eq!(
            local_text(Locale::En, Some("Asia/Tokyo"), moment, false),
            "Dec 7, 2026, 10:05 PM"
        );
        assert_eq!(local_text(Locale::En, Some("Asia/Tokyo"), moment, true), "Dec 7, 2026");
        assert_eq!(
            local_text(Locale::En, None, at("2026-12-07T00:15:00"), false),
            "Dec 7, 2026, 12:15 AM"
        );
        assert_eq!(
            local_text(Locale::Es, Some("Asia/Tokyo"), at("2031-03-14"), false),
            "14 mar 2031"
        );
    }
}
