//! Text typed by people: NFC normalisation, search folding, local digits.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Trims, NFC-normalises and length-checks a name or other free text.
pub fn person_text(field: &str, raw: &str, max_chars: usize) -> Result<String> {
    let s: String = raw.trim().nfc().collect();
    if s.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if s.chars().any(char::is_control) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    let n = s.chars().count();
    if n > max_chars {
        return Err(Error::invalid(
            field,
            format!("has {n} characters; at most {max_chars} are allowed"),
        ));
    }
    Ok(s)
}

/// The form of a name used for search: NFC, lower-case, with the Arabic letters
/// that Persian keyboards often produce folded to their Persian forms
/// (ي U+064A and ى U+0649 → ی U+06CC, ك U+0643 → ک U+06A9), and zero-width
/// non-joiners and repeated spaces removed, so "علي" finds "علی".
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.nfc().flat_map(char::to_lowercase) {
        let c = match c {
            '\u{064A}' | '\u{0649}' => '\u{06CC}',
            '\u{0643}' => '\u{06A9}',
            '\u{200C}' => continue,
            c => c,
        };
        if c.is_whitespace() {
            if !last_space && !out.is_empty() {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim_end().to_string()
}

/// The digit systems people type numbers in. Persian (U+06F0…) and
/// Arabic-Indic (U+0660…) digits look alike but for 4, 5 and 6, which is why
/// one number must be written in one of them: a mix is a slip or a spoof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigitScript {
    Latin,
    Devanagari,
    Persian,
    ArabicIndic,
}

/// A digit's value and script.
pub fn digit(c: char) -> Option<(u32, DigitScript)> {
    match c {
        '0'..='9' => Some((c as u32 - '0' as u32, DigitScript::Latin)),
        '\u{0966}'..='\u{096F}' => Some((c as u32 - 0x0966, DigitScript::Devanagari)),
        '\u{06F0}'..='\u{06F9}' => Some((c as u32 - 0x06F0, DigitScript::Persian)),
        '\u{0660}'..='\u{0669}' => Some((c as u32 - 0x0660, DigitScript::ArabicIndic)),
        _ => None,
    }
}

/// `s` with its digits in ASCII, other characters as they are; `None` when
/// its digits are of more than one script (the same rule as for amounts).
pub fn ascii_digits(s: &str) -> Option<String> {
    let mut script = None;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match digit(c) {
            Some((d, sc)) => {
                if script.is_some_and(|prev| prev != sc) {
                    return None;
                }
                script = Some(sc);
                out.push(char::from_digit(d, 10).unwrap_or(c));
            }
            None => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_read_in_one_script_and_a_mix_is_refused() {
        assert_eq!(ascii_digits("+۹۸ ۹۱۲").as_deref(), Some("+98 912"));
        assert_eq!(ascii_digits("٠٩١٢").as_deref(), Some("0912"));
        assert_eq!(ascii_digits("२०२६-1"), None);
        // ۴ (Persian) and ٤ (Arabic-Indic) are the same four, in two scripts.
        assert_eq!(ascii_digits("۴٤"), None);
    }

    #[test]
    fn names_are_stored_nfc_normalised() {
        // "é" as e + combining acute becomes the single code point U+00E9.
        assert_eq!(
            person_text("name", " Re\u{301}ma ", 50).unwrap(),
            "R\u{e9}ma"
        );
        // Devanagari "क़" decomposes (U+0958 is a composition exclusion), so NFC keeps
        // it as क + nukta; the stored text equals the NFC of any input form.
        let a = person_text("name", "\u{0958}", 50).unwrap();
        let b = person_text("name", "\u{0915}\u{093C}", 50).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn empty_control_and_overlong_names_are_refused() {
        assert!(person_text("name", "   ", 50).is_err());
        assert!(person_text("name", "a\u{7}b", 50).is_err());
        assert!(person_text("name", &"क".repeat(51), 50).is_err());
    }

    #[test]
    fn arabic_yeh_and_kaf_fold_to_persian_for_search() {
        assert_eq!(search_key("علي"), search_key("علی"));
        assert_eq!(search_key("كاظم"), search_key("کاظم"));
        assert_eq!(search_key("زهرا  كريمي"), "زهرا کریمی");
        assert_eq!(search_key("Sita DEVI"), "sita devi");
    }

    #[test]
    fn local_digits_become_ascii() {
        assert_eq!(ascii_digits("९८७६५").as_deref(), Some("98765"));
        assert_eq!(ascii_digits("۰۹۱۲۳").as_deref(), Some("09123"));
        assert_eq!(ascii_digits("٠٩٨").as_deref(), Some("098"));
    }
}
