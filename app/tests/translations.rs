//! Translation coverage: a missing key fails here, never on a page.

use std::{collections::BTreeSet, fs, path::Path};

use app::{
    ErrorCode,
    home::FEATURE_KEYS,
    i18n::{self, Locale},
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
            // Calls, and component props that take a key (`label`, `hint`, table columns).
            for call in [".t(\"", "t_args(\"", " label=\"", " hint=\""] {
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
    keys.extend(Role::ALL.iter().map(|role| role.label_key()));
    keys.extend(app::todos::view::indirect_keys());
    let mut owned: Vec<String> = Permission::ALL.iter().map(|p| p.label_key()).collect();
    owned.extend(AUDIT_ACTIONS.iter().map(|action| audit_action_key(action)));
    keys.extend(owned.iter().map(String::as_str));
    for locale in Locale::ALL {
        for key in &keys {
            assert!(i18n::has_key(locale, key), "{locale}: missing `{key}`");
        }
    }
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
