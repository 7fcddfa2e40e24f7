//! garde validation at the boundary, reported as `VAL_*` field errors.
//!
//! garde's built-in rules report through [`CodeMessages`], which writes an [`ErrorCode`] wire
//! name instead of an English sentence; custom rules return `garde::Error::new(code.as_str())`.
//! Before an input's own rules, every text field of it is checked for what no field may hold
//! ([`text`]).

pub mod text;

use std::borrow::Cow;

use garde::i18n::{
    I18n, InvalidCreditCard, InvalidEmail, InvalidPhoneNumber, InvalidUrl, IpKind, with_i18n,
};

use crate::error::{AppError, ErrorCode};

/// Checks `input` and turns every failed rule into a field error: `VAL_INVALID_FORMAT` on
/// each text field holding a character no field may hold ([`text`]) — that alone for such a
/// field — and the input's garde rules.
pub fn validate<T>(input: &T) -> Result<(), AppError>
where
    T: garde::Validate<Context = ()> + serde::Serialize,
{
    let refused = text::refused_fields(input);
    let rules = with_i18n(CodeMessages, || input.validate());
    if refused.is_empty() {
        return rules.map_err(report_to_error);
    }
    // A field holding a refused character reports that alone: its own rules are moot.
    let mut fields: Vec<(String, ErrorCode)> = Vec::new();
    if let Err(report) = rules {
        fields.extend(report_fields(&report).filter(|(field, _)| !refused.contains(field)));
    }
    fields.extend(refused.into_iter().map(|field| (field, ErrorCode::ValInvalidFormat)));
    Err(fields_error(fields))
}

/// A garde error for a custom rule, carrying `code`.
pub fn rule_error(code: ErrorCode) -> garde::Error {
    garde::Error::new(code.as_str())
}

/// Turns a garde report into an [`AppError`]: the fields map holds each field's codes; the
/// top-level code is the fields' common code, or `VAL_INVALID_FORMAT` when they differ.
pub fn report_to_error(report: garde::Report) -> AppError {
    fields_error(report_fields(&report))
}

/// Each failed rule of `report`: its field and code.
fn report_fields(report: &garde::Report) -> impl Iterator<Item = (String, ErrorCode)> + '_ {
    report.iter().map(|(path, failure)| {
        let code = ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == failure.message())
            .unwrap_or(ErrorCode::ValInvalidFormat);
        (path.to_string(), code)
    })
}

/// The error of failed fields: each field's codes; the top-level code is the fields' common
/// code, or `VAL_INVALID_FORMAT` when they differ.
fn fields_error(fields: impl IntoIterator<Item = (String, ErrorCode)>) -> AppError {
    let mut error = AppError::new(ErrorCode::ValInvalidFormat);
    for (field, code) in fields {
        error = error.with_field(&field, code);
    }
    let mut codes = error.fields.values().flatten();
    if let Some(first) = codes.next().copied()
        && codes.all(|code| *code == first)
    {
        error.code = first;
    }
    error
}

/// garde messages as error-code wire names.
struct CodeMessages;

const REQUIRED: Cow<'static, str> = Cow::Borrowed("VAL_REQUIRED_FIELD");
const FORMAT: Cow<'static, str> = Cow::Borrowed("VAL_INVALID_FORMAT");

impl I18n for CodeMessages {
    fn length_lower_than(&self, min: usize) -> Cow<'static, str> {
        if min <= 1 { REQUIRED } else { FORMAT }
    }
    fn length_greater_than(&self, _max: usize) -> Cow<'static, str> {
        Cow::Borrowed("VAL_TOO_LONG")
    }
    fn range_lower_than(&self, _min: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn range_greater_than(&self, _max: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn credit_card_invalid(&self, _reason: InvalidCreditCard) -> Cow<'static, str> {
        FORMAT
    }
    fn pattern_no_match(&self, _pattern: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn contains_missing(&self, _pattern: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn url_invalid(&self, _reason: InvalidUrl) -> Cow<'static, str> {
        FORMAT
    }
    fn prefix_missing(&self, _pattern: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn suffix_missing(&self, _pattern: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn phone_number_invalid(&self, _reason: InvalidPhoneNumber) -> Cow<'static, str> {
        FORMAT
    }
    fn ip_invalid(&self, _kind: IpKind) -> Cow<'static, str> {
        FORMAT
    }
    fn matches_field_mismatch(&self, _field: &dyn std::fmt::Display) -> Cow<'static, str> {
        FORMAT
    }
    fn email_invalid(&self, reason: InvalidEmail) -> Cow<'static, str> {
        if reason == InvalidEmail::Empty { REQUIRED } else { Cow::Borrowed("VAL_INVALID_EMAIL") }
    }
    fn ascii_invalid(&self) -> Cow<'static, str> {
        FORMAT
    }
    fn alphanumeric_invalid(&self) -> Cow<'static, str> {
        FORMAT
    }
    fn required_not_set(&self) -> Cow<'static, str> {
        REQUIRED
    }
}

#[cfg(test)]
mod tests {
    use garde::Validate;

    use super::*;

    #[derive(Validate, serde::Serialize)]
    struct Sample {
        #[garde(length(chars, min = 1, max = 5))]
        title: String,
        #[garde(email)]
        email: String,
        #[garde(custom(|value: &String, (): &()| if value == "weak" {
            Err(rule_error(ErrorCode::ValPasswordTooWeak))
        } else {
            Ok(())
        }))]
        password: String,
    }

    fn sample() -> Sample {
        Sample { title: "ok".into(), email: "a@example.com".into(), password: "strong".into() }
    }

    #[test]
    fn valid_input_passes() {
        assert_eq!(validate(&sample()), Ok(()));
    }

    #[test]
    fn each_rule_reports_its_code_on_its_field() {
        let cases = [
            (Sample { title: String::new(), ..sample() }, "title", ErrorCode::ValRequiredField),
            (Sample { title: "toolong".into(), ..sample() }, "title", ErrorCode::ValTooLong),
            (Sample { email: "nope".into(), ..sample() }, "email", ErrorCode::ValInvalidEmail),
            (
                Sample { password: "weak".into(), ..sample() },
                "password",
                ErrorCode::ValPasswordTooWeak,
            ),
        ];
        for (input, field, code) in cases {
            let error = validate(&input).expect_err(field);
            assert_eq!(error.code, code, "{field}");
            assert_eq!(error.field(field), &[code], "{field}");
            assert_eq!(error.fields.len(), 1, "{field}");
        }
    }

    #[test]
    fn mixed_failures_report_invalid_format_with_every_field() {
        let input = Sample { title: String::new(), email: "nope".into(), ..sample() };
        let error = validate(&input).expect_err("two failures");
        assert_eq!(error.code, ErrorCode::ValInvalidFormat);
        assert_eq!(error.field("title"), &[ErrorCode::ValRequiredField]);
        assert_eq!(error.field("email"), &[ErrorCode::ValInvalidEmail]);
    }

    #[test]
    fn a_refused_character_is_reported_on_its_field_beside_the_rules() {
        let input = Sample { title: "a\0 too long".into(), email: "nope".into(), ..sample() };
        let error = validate(&input).expect_err("refused");
        assert_eq!(error.code, ErrorCode::ValInvalidFormat);
        assert_eq!(error.field("title"), &[ErrorCode::ValInvalidFormat]);
        assert_eq!(error.field("email"), &[ErrorCode::ValInvalidEmail]);

        let only = Sample { title: "ok\u{202E}".into(), ..sample() };
        let error = validate(&only).expect_err("refused");
        assert_eq!(error.field("title"), &[ErrorCode::ValInvalidFormat]);
        assert_eq!(error.fields.len(), 1);
    }
}
