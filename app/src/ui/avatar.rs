//! The round badge with a person's initials, where a photo will go.

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

/// A person's initials in a circle. Decorative: the name is always written beside it.
#[component]
pub fn Avatar(
    /// The name the initials come from.
    #[prop(into)]
    name: String,
    /// Its size.
    #[prop(optional)]
    size: AvatarSize,
) -> impl IntoView {
    let class = match size {
        AvatarSize::Small => "avatar",
        AvatarSize::Large => "avatar avatar-large",
    };
    // The letters are drawn by the stylesheet (`attr(data-initials)`): not text, so they are
    // never read out or counted in the name of a button the avatar sits in.
    view! { <span class=class data-initials=initials(&name) aria-hidden="true"></span> }
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
