//! Text search that behaves the same on both backends.

#[diesel::declare_sql_function]
extern "SQL" {
    /// SQL `lower(text)` (ASCII on SQLite, full Unicode on PostgreSQL).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A lower-cased `LIKE` pattern matching `query` anywhere, its wildcards escaped with `\` (use
/// it with `.escape('\\')`).
pub fn contains_pattern(query: &str) -> String {
    let mut pattern = String::from("%");
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn wildcards_in_searches_are_literal() {
        assert_eq!(contains_pattern("Ada"), "%ada%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
