//! Members of an organisation and their details.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text;

/// The longest member name daftar stores, in characters.
pub const MAX_MEMBER_NAME_CHARS: usize = 120;
/// Member numbers run from 1 to this.
pub const MAX_MEMBER_NO: u32 = 999_999;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    President,
    Secretary,
    Treasurer,
    Member,
}

impl MemberRole {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberRole::President => "president",
            MemberRole::Secretary => "secretary",
            MemberRole::Treasurer => "treasurer",
            MemberRole::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "president" => MemberRole::President,
            "secretary" => MemberRole::Secretary,
            "treasurer" => MemberRole::Treasurer,
            "member" => MemberRole::Member,
            _ => {
                return Err(Error::invalid(
                    "role",
                    format!("{s:?} is not president, secretary, treasurer or member"),
                ))
            }
        })
    }
}

/// Adds a member. `member_no` may be left out: the book then gives the next free number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMember {
    pub member_no: Option<u32>,
    pub name: String,
    pub role: MemberRole,
    pub phone: Option<String>,
    pub joined_on: NaiveDate,
}

/// Changes some of a member's details; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChange {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<MemberRole>,
    /// `Some(None)` removes the phone number.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "present_or_null"
    )]
    pub phone: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exited_on: Option<NaiveDate>,
}

impl MemberChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.role.is_none()
            && self.phone.is_none()
            && self.exited_on.is_none()
    }
}

/// A member as the book holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub member_no: u32,
    pub name: String,
    pub role: MemberRole,
    pub phone: Option<String>,
    pub joined_on: NaiveDate,
    pub exited_on: Option<NaiveDate>,
}

/// Tells a field given as `null` (`Some(None)`) from a field left out (`None`).
fn present_or_null<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

pub(crate) fn normalise_name(raw: &str) -> Result<String> {
    text::person_text("name", raw, MAX_MEMBER_NAME_CHARS)
}

/// Accepts digits in any of the scripts daftar serves, spaces and dashes, and an
/// optional leading `+`; stores ASCII digits with the `+`.
pub(crate) fn normalise_phone(raw: &str) -> Result<String> {
    let ascii = text::ascii_digits(raw.trim()).ok_or_else(|| {
        Error::invalid(
            "phone",
            format!("{raw:?} mixes digits of different scripts; type it in one"),
        )
    })?;
    let (plus, rest) = match ascii.strip_prefix('+') {
        Some(r) => ("+", r),
        None => ("", ascii.as_str()),
    };
    let digits: String = rest.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            "phone",
            format!("{raw:?} is not a phone number"),
        ));
    }
    if !(6..=15).contains(&digits.len()) {
        return Err(Error::invalid(
            "phone",
            format!(
                "{raw:?} has {} digits; a phone number has 6 to 15",
                digits.len()
            ),
        ));
    }
    Ok(format!("{plus}{digits}"))
}

pub(crate) fn check_member_no(no: u32) -> Result<u32> {
    if no == 0 || no > MAX_MEMBER_NO {
        return Err(Error::invalid(
            "member_no",
            format!("{no} is not between 1 and {MAX_MEMBER_NO}"),
        ));
    }
    Ok(no)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_accept_local_digits_and_separators() {
        assert_eq!(normalise_phone("+91 98765-43210").unwrap(), "+919876543210");
        assert_eq!(normalise_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹").unwrap(), "09123456789");
        assert_eq!(normalise_phone("९८७६५४३२१०").unwrap(), "9876543210");
    }

    #[test]
    fn malformed_phone_numbers_name_the_phone_field() {
        for p in ["", "12ab34", "123", "+1234567890123456"] {
            let e = normalise_phone(p).unwrap_err();
            assert!(
                matches!(e, Error::InvalidInput { ref field, .. } if field == "phone"),
                "{p}"
            );
        }
    }

    #[test]
    fn member_numbers_are_bounded() {
        assert!(check_member_no(0).is_err());
        assert!(check_member_no(MAX_MEMBER_NO + 1).is_err());
        assert_eq!(check_member_no(7).unwrap(), 7);
    }

    #[test]
    fn removing_a_phone_survives_encoding() {
        let c = MemberChange {
            phone: Some(None),
            ..Default::default()
        };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"phone":null}"#);
        assert_eq!(serde_json::from_str::<MemberChange>(&json).unwrap(), c);
        assert_eq!(
            serde_json::from_str::<MemberChange>("{}").unwrap(),
            MemberChange::default()
        );
    }

    #[test]
    fn roles_parse() {
        assert_eq!(
            MemberRole::parse("Treasurer").unwrap(),
            MemberRole::Treasurer
        );
        assert!(MemberRole::parse("chief").is_err());
    }
}
