//! The colour tokens of `style/main.css` meet WCAG 2.1 AA in both themes: 4.5:1 for text on
//! the surfaces it is written on, 3:1 for the outlines of controls and the focus ring.

use std::collections::HashMap;

const CSS: &str = include_str!("../../../style/main.css");

/// Text colour on background: every pair the stylesheet writes text with.
const TEXT_PAIRS: &[(&str, &str)] = &[
    ("text", "bg"),
    ("text", "surface"),
    ("text", "raised"),
    ("text", "accent-soft"),
    ("text", "danger-soft"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("muted", "raised"),
    ("accent", "bg"),
    ("accent", "surface"),
    ("accent", "raised"),
    ("accent", "accent-soft"),
    ("accent-hover", "bg"),
    ("on-accent", "accent"),
    ("on-accent", "accent-hover"),
    ("danger", "bg"),
    ("danger", "surface"),
    ("danger", "raised"),
    ("danger", "danger-soft"),
    ("on-danger", "danger"),
    ("on-danger", "danger-hover"),
    ("success", "bg"),
    ("low-text", "low-bg"),
    ("medium-text", "medium-bg"),
    ("high-text", "high-bg"),
    ("urgent-text", "urgent-bg"),
    // Toasts are the page's colours inverted.
    ("bg", "text"),
];

/// Outlines that identify a control (WCAG 1.4.11), and the focus ring.
const OUTLINE_PAIRS: &[(&str, &str)] = &[
    ("control-border", "bg"),
    ("control-border", "surface"),
    ("focus", "bg"),
    ("focus", "surface"),
    ("focus", "raised"),
];

/// The `--name: light-dark(#light, #dark)` tokens of the stylesheet, as (light, dark) colours.
fn colour_tokens() -> HashMap<&'static str, ([u8; 3], [u8; 3])> {
    CSS.lines()
        .filter_map(|line| {
            let line = line.trim();
            let (name, value) = line.strip_prefix("--")?.split_once(':')?;
            let pair = value.trim().strip_prefix("light-dark(")?.strip_suffix(");")?;
            let (light, dark) = pair.split_once(',')?;
            Some((name, (hex(light.trim()), hex(dark.trim()))))
        })
        .collect()
}

fn hex(colour: &str) -> [u8; 3] {
    let digits = colour.strip_prefix('#').unwrap_or_else(|| panic!("not a hex colour: {colour}"));
    assert_eq!(digits.len(), 6, "write colours as #rrggbb: {colour}");
    let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).expect("hex digits");
    [byte(0), byte(2), byte(4)]
}

/// WCAG 2.1 relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG 2.1 contrast ratio, 1 to 21.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The pairs of `pairs` under `minimum` in either theme, described.
fn failures(pairs: &[(&str, &str)], minimum: f64) -> Vec<String> {
    let tokens = colour_tokens();
    let mut failed = Vec::new();
    for (front, back) in pairs {
        let (Some(front_colours), Some(back_colours)) = (tokens.get(front), tokens.get(back))
        else {
            failed.push(format!("--{front} or --{back} is not a light-dark() token"));
            continue;
        };
        for (theme, f, b) in
            [("light", front_colours.0, back_colours.0), ("dark", front_colours.1, back_colours.1)]
        {
            let ratio = contrast(f, b);
            if ratio < minimum {
                failed.push(format!("{theme}: --{front} on --{back} is {ratio:.2}:1"));
            }
        }
    }
    failed
}

#[test]
fn the_contrast_formula_matches_the_standard() {
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!((contrast([255, 255, 255], [255, 255, 255]) - 1.0).abs() < 1e-9);
    // #767676 on white is the lightest grey that passes AA: 4.54:1.
    assert!((contrast(hex("#767676"), hex("#ffffff")) - 4.54).abs() < 0.01);
}

#[test]
fn the_stylesheet_has_the_tokens_the_pairs_name() {
    let tokens = colour_tokens();
    for name in ["bg", "surface", "text", "muted", "accent", "danger", "focus", "control-border"] {
        assert!(tokens.contains_key(name), "--{name} is missing");
    }
    assert!(tokens.len() >= 25, "only {} colour tokens were read", tokens.len());
}

#[test]
fn text_colours_meet_aa_in_both_themes() {
    assert_eq!(failures(TEXT_PAIRS, 4.5), Vec::<String>::new());
}

#[test]
fn control_outlines_and_the_focus_ring_meet_aa_in_both_themes() {
    assert_eq!(failures(OUTLINE_PAIRS, 3.0), Vec::<String>::new());
}
