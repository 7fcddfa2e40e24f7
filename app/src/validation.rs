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
    let fields = problems(input);
    if fields.is_empty() { Ok(()) } else { Err(fields_error(fields)) }
}

/// What [`validate`] finds wrong with `input`, field by field.
fn problems<T>(input: &T) -> Vec<(String, ErrorCode)>
where
    T: garde::Validate<Context = ()> + serde::Serialize,
{
    let refused = text::refused_fields(input);
    let mut fields: Vec<(String, ErrorCode)> = Vec::new();
    if let Err(report) = with_i18n(CodeMessages, || input.validate()) {
        // A field holding a refused character reports that alone: its own rules are moot.
        fields.extend(report_fields(&report).filter(|(field, _)| !refused.contains(field)));
    }
    fields.extend(refused.into_iter().map(|field| (field, ErrorCode::ValInvalidFormat)));
    fields
}

/// An input the edge turns into the value its service works with: every field parsed once,
/// into its own type (a date, a priority, a sort), with a field-named `VAL_*` error where it
/// cannot be. Services take the parsed value and never re-read the text.
pub trait Parse: garde::Validate<Context = ()> + serde::Serialize {
    /// The domain value.
    type Parsed;

    /// Parses every field, noting in `errors` each one that fails; `None` only after noting
    /// at least one.
    fn parse(&self, errors: &mut FieldErrors) -> Option<Self::Parsed>;
}

/// The fields that failed while parsing an input ([`Parse`]).
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, ErrorCode)>);

impl FieldErrors {
    /// The value of `field`, or `None` after noting its error (the parse then fails as a
    /// whole, so a caller may stand in any value).
    pub fn field<T>(&mut self, field: &str, parsed: Result<T, ErrorCode>) -> Option<T> {
        parsed.map_err(|code| self.0.push((field.to_owned(), code))).ok()
    }
}

/// `input` checked as [`validate`] does and parsed ([`Parse`]): every failure of either in
/// one error, each field once.
pub fn parse<T: Parse>(input: &T) -> Result<T::Parsed, AppError> {
    let mut errors = FieldErrors::default();
    let parsed = input.parse(&mut errors);
    let mut fields = problems(input);
    for (field, code) in errors.0 {
        if !fields.iter().any(|(known, _)| *known == field) {
            fields.push((field, code));
        }
    }
    if !fields.is_empty() {
        return Err(fields_error(fields));
    }
    // A parse that gave no value named a field (the trait's contract): never reached.
    parsed.ok_or_else(|| AppError::new(ErrorCode::SysServerError))
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
