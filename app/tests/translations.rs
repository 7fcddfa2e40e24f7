//! Translation coverage: a missing key fails here, never on a page.

use std::{collections::BTreeSet, fs, path::Path};

use app::{
    ErrorCode,
    admin::model::{ADMIN_ACTIONS, admin_action_key},
    home::{ARRIVALS, FEATURE_KEYS},
    i18n::{self, Arg, Locale, compiled},
    orgs::{
        model::{AUDIT_ACTIONS, audit_action_key},
        permissions::{Permission, Role},
    },
    preferences::Theme,
};

fn keys(locale: Locale) -> BTreeSet<String> {
    i18n::source(locale)
        .lines()
        .filter(|line| !line.starts_with([' ', '#', '.', '\t']) && line.contains(" ="))
        .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
        .collect()
}

#[test]
fn every_error_code_has_a_message_in_every_locale() {
    for locale in Locale::ALL {
        for code in ErrorCode::ALL {
            assert!(i18n::has_key(locale, &code.message_key()), "{locale}: {code}");
        }
    }
}

#[test]
fn every_locale_has_the_same_keys() {
    let english = keys(Locale::En);
    assert!(english.len() > 40, "parsed {} keys", english.len());
    for locale in Locale::ALL {
        assert_eq!(keys(locale), english, "{locale} differs from en");
    }
}

/// Every literal key passed to `t(…)` / `t_args(…)` in the sources exists in every locale.
#[test]
fn every_key_used_in_the_sources_exists() {
    let mut used = BTreeSet::new();
    collect_keys(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut used);
    assert!(used.len() > 20, "found only {} keys in the sources", used.len());
    for locale in Locale::ALL {
        for key in &used {
            assert!(i18n::has_key(locale, key), "{locale}: missing `{key}`");
        }
    }
}

fn collect_keys(dir: &Path, used: &mut BTreeSet<String>) {
    for entry in fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_keys(&path, used);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).expect("utf-8");
            // Calls, and component props that take a key (`label`, `hint`, a card's `title`,
            // table columns).
            for call in [".t(\"", "t_args(\"", " label=\"", " hint=\"", " title=\"", " submit=\""] {
                for piece in text.split(call).skip(1) {
                    let key = piece.split('"').next().unwrap_or_default();
                    used.insert(key.to_owned());
                }
            }
            for piece in text.split("columns=&[").skip(1) {
                let list = piece.split(']').next().unwrap_or_default();
                used.extend(list.split(',').map(|key| key.trim().trim_matches('"').to_owned()));
            }
        }
    }
}

/// Keys chosen indirectly (from a table or an enum) exist too.
#[test]
fn every_indirect_key_exists() {
    let mut keys: Vec<&str> = Theme::ALL.iter().map(|theme| theme.label_key()).collect();
    keys.extend(FEATURE_KEYS.iter().flat_map(|(title, body)| [*title, *body]));
    keys.extend(ARRIVALS.iter().map(|(_, key)| *key));
    keys.extend(app::ui::AUDIT_COLUMNS);
    keys.extend(Role::ALL.iter().map(|role| role.label_key()));
    keys.extend(app::todos::view::indirect_keys());
    keys.extend(app::billing::view::indirect_keys());
    keys.extend(i18n::time::MONTH_KEYS);
    let mut owned: Vec<String> = Permission::ALL.iter().map(|p| p.label_key()).collect();
    owned.extend(AUDIT_ACTIONS.iter().map(|action| audit_action_key(action)));
    owned.extend(ADMIN_ACTIONS.iter().map(|action| admin_action_key(action)));
    keys.extend(owned.iter().map(String::as_str));
    for locale in Locale::ALL {
        for key in &keys {
            assert!(i18n::has_key(locale, key), "{locale}: missing `{key}`");
        }
    }
}

/// The browser's compiled tables hold exactly the messages of the `.ftl` sources.
#[test]
fn the_browser_has_every_message() {
    for locale in Locale::ALL {
        let compiled: BTreeSet<String> = compiled::keys(locale).map(str::to_owned).collect();
        assert_eq!(compiled, keys(locale), "{locale}");
    }
}

/// Server (fluent) and browser (compiled tables) render the same text for every key in every
/// locale: without arguments, with every argument as text, and with every argument as each of
/// several numbers (so each plural variant is taken), and with one argument missing.
#[test]
fn the_browser_renders_every_message_as_the_server_does() {
    let numbers = [0_i64, 1, 2, 3, 5, 11, 21, 100, 1_000, 1_000_000];
    let mut compared = 0;
    let mut with_arguments = 0;
    for locale in Locale::ALL {
        for key in compiled::keys(locale) {
            let names = compiled::arguments(locale, key);
            let mut cases: Vec<Vec<(&str, Arg<'_>)>> = vec![Vec::new()];
            cases.push(names.iter().map(|name| (*name, Arg::from("Ada «x» {y}"))).collect());
            for number in numbers {
                cases.push(names.iter().map(|name| (*name, Arg::Number(number))).collect());
            }
            // Each argument a different number, and the last one missing.
            cases
                .push(names.iter().zip(1_i64..).map(|(name, n)| (*name, Arg::Number(n))).collect());
            cases.push(names.iter().skip(1).map(|name| (*name, Arg::from("z"))).collect());
            for args in cases {
                let browser = compiled::format(locale, key, &args);
                let server = i18n::t_args(locale, key, &args);
                assert_eq!(browser.as_deref(), Some(server.as_str()), "{locale} {key} {args:?}");
                compared += 1;
            }
            with_arguments += usize::from(!names.is_empty());
        }
    }
    assert!(compared > 800, "compared only {compared} renderings");
    assert!(with_arguments > 20, "only {with_arguments} messages take arguments");
}

/// The browser's plural rule gives the category fluent's CLDR tables give, for every locale.
#[test]
fn the_browser_picks_plural_categories_as_fluent_does() {
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
    for locale in Locale::ALL {
        let rules = PluralRules::create(locale.langid(), PluralRuleType::CARDINAL).expect("rules");
        for number in (0..=10_000).chain([100_000, 1_000_000, 2_000_000, i64::from(i32::MAX)]) {
            let expected = match rules.select(number).expect("a category") {
                PluralCategory::ZERO => "zero",
                PluralCategory::ONE => "one",
                PluralCategory::TWO => "two",
                PluralCategory::FEW => "few",
                PluralCategory::MANY => "many",
                PluralCategory::OTHER => "other",
            };
            assert_eq!(compiled::plural_category(locale, number), expected, "{locale} {number}");
        }
    }
}

#[test]
fn a_missing_key_renders_the_key_in_the_browser_too() {
    assert_eq!(compiled::format(Locale::En, "no-such-key", &[]), None);
    assert!(!compiled::has_key(Locale::Es, "no-such-key"));
    assert!(compiled::has_key(Locale::Es, "app-name"));
}

#[test]
fn arguments_are_substituted_without_isolation_marks() {
    let text = i18n::t_args(Locale::Es, "footer-version", &[("version", "1.2.3".into())]);
    assert_eq!(text, "Versión 1.2.3");
}

#[test]
fn a_missing_key_renders_the_key() {
    assert_eq!(i18n::t(Locale::En, "no-such-key"), "no-such-key");
}
