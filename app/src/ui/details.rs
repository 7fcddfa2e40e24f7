//! An audit entry's particulars (a JSON object) as one line a person reads.

/// The column titles (translation keys) of both audit logs' tables.
pub const AUDIT_COLUMNS: &[&str] =
    &["audit-when", "audit-who", "audit-what", "audit-whom", "audit-details"];

/// `details` as `from → to; key: value; key: before → after`, each value through `text`
/// (which may translate it, e.g. a role); `—` for a null, nothing for an empty object. `skip`
/// lists keys not worth showing.
pub fn describe(
    details: &serde_json::Value,
    skip: &[&str],
    text: impl Fn(&str) -> String,
) -> String {
    let Some(object) = details.as_object() else { return String::new() };
    let value_text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => text(s),
        serde_json::Value::Null => "—".to_owned(),
        other => other.to_string(),
    };
    let mut parts = Vec::new();
    if let (Some(from), Some(to)) = (object.get("from"), object.get("to")) {
        parts.push(format!("{} → {}", value_text(from), value_text(to)));
    }
    for (key, value) in object {
        match value {
            serde_json::Value::Object(change) => {
                let from = change.get("from").map(value_text).unwrap_or_default();
                let to = change.get("to").map(value_text).unwrap_or_default();
                if from != to {
                    parts.push(format!("{key}: {from} → {to}"));
                }
            }
            _ if key == "from" || key == "to" || skip.contains(&key.as_str()) => {}
            value => parts.push(format!("{key}: {}", value_text(value))),
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn particulars_read_as_one_line() {
        let upper = |s: &str| s.to_uppercase();
        assert_eq!(
            describe(&serde_json::json!({"from": "member", "to": "admin"}), &[], upper),
            "MEMBER → ADMIN"
        );
        assert_eq!(
            describe(
                &serde_json::json!({"name": {"from": "A", "to": "B"}, "slug": {"from": "a", "to": "a"}, "days": 7, "until": null, "invited_by": "x"}),
                &["invited_by"],
                str::to_owned
            ),
            "days: 7; name: A → B; until: —"
        );
        assert_eq!(describe(&serde_json::json!({}), &[], str::to_owned), "");
        assert_eq!(describe(&serde_json::json!("text"), &[], str::to_owned), "");
    }
}
