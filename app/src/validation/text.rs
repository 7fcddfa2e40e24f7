//! What no text field of any input may hold, whatever its own rules: characters that are
//! invisible or that change how the text around them is shown (display spoofing such as
//! `Acme\u{202E}gnp.exe`, blank-looking names), control characters, and NUL, which PostgreSQL
//! cannot store. [`super::validate`] checks every input with it before the input's own rules.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

/// Fields whose text may span lines: tab, CR and LF are theirs to use.
const MULTI_LINE: &[&str] = &["description"];

/// Fields holding secrets: hashed or compared, never stored as text nor shown, so any
/// character is theirs to use (a password manager's output is never second-guessed).
const SECRET: &[&str] = &["password", "current_password", "new_password"];

/// Whether `c` has no place in stored text on its own: controls, invisible characters that
/// are not joiners, bidirectional controls, and line or paragraph separators.
fn refused(c: char, multi_line: bool) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return !multi_line;
    }
    matches!(
        c,
        // C0 (NUL, ESC, …), DEL, C1.
        '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        // Bidirectional marks, embeddings, overrides and isolates (Trojan Source).
        | '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        // Line and paragraph separators.
        | '\u{2028}'
        | '\u{2029}'
        // Invisible: zero-width space, word joiner and invisible operators, the byte-order
        // mark, the Mongolian vowel separator, interlinear annotations, Hangul fillers (the
        // usual way to make a name that looks empty).
        | '\u{200B}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{180E}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{3164}'
        | '\u{FFA0}'
    )
}

/// A character a zero-width joiner or non-joiner may stand beside: not ASCII (where joiners
/// have no use and only hide), not white space, not itself invisible.
fn joinable(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        !c.is_ascii() && !c.is_whitespace() && !refused(c, false) && !is_joiner(c) && !is_tag(c)
    })
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Unicode tag characters: they only belong in an emoji flag sequence (🏴 + tags).
fn is_tag(c: char) -> bool {
    matches!(c, '\u{E0000}'..='\u{E007F}')
}

/// Whether `text` holds a character no field may hold (see the module's text). Zero-width
/// joiners and non-joiners are kept where scripts and emoji use them — between two visible
/// non-ASCII characters (`👩‍💻`, Persian `می‌خواهم`) — and refused elsewhere; tag characters
/// only inside a flag sequence.
pub fn is_refused(text: &str, multi_line: bool) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let before = i.checked_sub(1).map(|i| chars[i]);
        if is_joiner(c) {
            !(joinable(before) && joinable(chars.get(i + 1).copied()))
        } else if is_tag(c) {
            !matches!(before, Some(b) if b == '\u{1F3F4}' || is_tag(b))
        } else {
            refused(c, multi_line)
        }
    })
}

/// The fields of `input` (as garde names them: `title`, `items[2].title`, `ids[0]`) whose text
/// holds a refused character.
pub fn refused_fields<T: Serialize>(input: &T) -> Vec<String> {
    let mut found = Vec::new();
    // Inputs are plain structs of text, numbers and lists: they always serialize.
    if let Ok(value) = serde_json::to_value(input) {
        walk(&value, &mut String::new(), None, &mut found);
    }
    found.sort();
    found
}

fn walk(value: &Value, path: &mut String, field: Option<&str>, found: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let field = field.unwrap_or_default();
            if !SECRET.contains(&field) && is_refused(text, MULTI_LINE.contains(&field)) {
                found.push(path.clone());
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                walk(item, path, field, found);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                walk(item, path, Some(name), found);
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::{is_refused, refused_fields};

    #[test]
    fn ordinary_text_of_any_script_passes() {
        for text in [
            "Acme Corp",
            "Zoë O'Brien-Núñez",
            "東京都",
            "שלום",
            "مرحبا",
            "Привет",
            "👩‍💻 team",
            "👨‍👩‍👧",
            "می‌خواهم",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "café ☕",
            "",
        ] {
            assert!(!is_refused(text, false), "{text:?}");
        }
    }

    #[test]
    fn controls_invisibles_and_direction_changes_are_refused() {
        for text in [
            "x\0",
            "a\u{1B}[31mred",
            "line\nbreak",
            "carriage\rreturn",
            "tab\there",
            "del\u{7F}",
            "c1\u{85}",
            "Acme\u{202E}gnp.exe",
            "\u{2066}isolate\u{2069}",
            "mark\u{200F}",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "word\u{2060}joiner",
            "\u{3164}",
            "sep\u{2028}arator",
            "Ac\u{200D}me",
            "trailing joiner 👩\u{200D}",
            "\u{200C}",
            "tag\u{E0041}smuggled",
        ] {
            assert!(is_refused(text, false), "{text:?}");
        }
    }

    #[test]
    fn multi_line_fields_keep_line_breaks_and_tabs_only() {
        assert!(!is_refused("first\r\nsecond\n\tindented", true));
        assert!(is_refused("first\0", true));
        assert!(is_refused("first\u{202E}", true));
    }

    #[derive(Serialize)]
    struct Item {
        title: String,
        description: Option<String>,
    }

    #[derive(Serialize)]
    struct Input {
        name: String,
        password: String,
        ids: Vec<String>,
        items: Vec<Item>,
        limit: u32,
    }

    #[test]
    fn fields_are_named_as_garde_names_them() {
        let input = Input {
            name: "x\0".into(),
            password: "any\0thing\u{202E}".into(),
            ids: vec!["ok".into(), "b\u{200B}".into()],
            items: vec![
                Item { title: "fine".into(), description: Some("two\nlines".into()) },
                Item { title: "t\n".into(), description: Some("\u{1B}".into()) },
            ],
            limit: 3,
        };
        assert_eq!(
            refused_fields(&input),
            ["ids[1]", "items[1].description", "items[1].title", "name"]
        );
    }
}
