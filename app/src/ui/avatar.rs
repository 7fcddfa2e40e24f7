//! The round badge of a person (or the rounded square of an organization): their picture when
//! they uploaded one, their initials otherwise.

use leptos::prelude::*;

/// Up to two initials of `name`, upper-cased: "ada lovelace byron" → "AL".
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// How large an [`Avatar`] is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AvatarSize {
    /// Beside a name in a row or a button.
    #[default]
    Small,
    /// At the head of a profile.
    Large,
}

/// A picture, or initials, in a circle (a rounded square for an organization's logo).
/// Decorative: the name is always written beside it.
#[component]
pub fn Avatar(
    /// The name the initials come from.
    #[prop(into)]
    name: String,
    /// The uploaded picture's address, if any: its 64-pixel file for [`AvatarSize::Small`],
    /// its 256-pixel one for [`AvatarSize::Large`].
    #[prop(default = None)]
    src: Option<String>,
    /// Its size.
    #[prop(optional)]
    size: AvatarSize,
    /// An organization's logo rather than a person.
    #[prop(optional)]
    logo: bool,
) -> impl IntoView {
    let mut class = String::from("avatar");
    if size == AvatarSize::Large {
        class.push_str(" avatar-large");
    }
    if logo {
        class.push_str(" avatar-logo");
    }
    match src {
        // `alt=""`: the name is beside it.
        Some(src) => {
            let pixels = match size {
                AvatarSize::Small => 64,
                AvatarSize::Large => 256,
            };
            view! {
                <img class=class src=src alt="" width=pixels height=pixels loading="lazy" decoding="async" />
            }
            .into_any()
        }
        // The letters are drawn by the stylesheet (`attr(data-initials)`): not text, so they
        // are never read out or counted in the name of a button the avatar sits in.
        None => {
            view! { <span class=class data-initials=initials(&name) aria-hidden="true"></span> }
                .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("ada lovelace byron"), "AL");
        assert_eq!(initials("Ñandú"), "Ñ");
        assert_eq!(initials("  grace   hopper "), "GH");
        assert_eq!(initials("ß"), "SS");
        assert_eq!(initials(""), "");
    }
}
