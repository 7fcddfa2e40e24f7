//! garde validation at the boundary, reported as `VAL_*` field errors.
//!
//! garde's built-in rules report through [`CodeMessages`], which writes an [`ErrorCode`] wire
//! name instead of an English sentence; custom rules return `garde::Error::new(code.as_str())`.

use std::borrow::Cow;

use garde::i18n::{
    I18n, InvalidCreditCard, InvalidEmail, InvalidPhoneNumber, InvalidUrl, IpKind, with_i18n,
};

use crate::error::{AppError, ErrorCode};

/// Checks `input` and turns every failed rule into a field error.
pub fn validate<T: garde::Validate<Context = ()>>(input: &T) -> Result<(), AppError> {
    with_i18n(CodeMessages, || input.validate()).map_err(report_to_error)
}

/// A garde error for a custom rule, carrying `code`.
pub fn rule_error(code: ErrorCode) -> garde::Error {
    garde::Error::new(code.as_str())
}

/// Turns a garde report into an [`AppError`]: the fields map holds each field's codes; the
/// top-level code is the fields' common code, or `VAL_INVALID_FORMAT` when they differ.
pub fn report_to_error(report: garde::Report) -> AppError {
    let mut error = AppError::new(ErrorCode::ValInvalidFormat);
    for (path, failure) in report.iter() {
        let code = ErrorCode::ALL
            .into_iter()
            .find(|code| code.as_str() == failure.message())
            .unwrap_or(ErrorCode::ValInvalidFormat);
        error = error.with_field(&path.to_string(), code);
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

    #[derive(Validate)]
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
}
