//! Organisations: an SHG, a federation (VO, CLF), an NGO or a community fund.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::{Currency, RoundingRule};
use crate::text;

/// The longest organisation name daftar stores, in characters.
pub const MAX_ORG_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Shg,
    Vo,
    Clf,
    Ngo,
    Fund,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Shg => "shg",
            OrgKind::Vo => "vo",
            OrgKind::Clf => "clf",
            OrgKind::Ngo => "ngo",
            OrgKind::Fund => "fund",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "shg" => OrgKind::Shg,
            "vo" => OrgKind::Vo,
            "clf" => OrgKind::Clf,
            "ngo" => OrgKind::Ngo,
            "fund" => OrgKind::Fund,
            _ => {
                return Err(Error::invalid(
                    "kind",
                    format!("{s:?} is not one of shg, vo, clf, ngo, fund"),
                ))
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Calendar {
    Gregorian,
    /// Solar Hijri, the civil calendar of Iran.
    Persian,
}

impl Calendar {
    pub fn as_str(self) -> &'static str {
        match self {
            Calendar::Gregorian => "gregorian",
            Calendar::Persian => "persian",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gregorian" => Ok(Calendar::Gregorian),
            "persian" => Ok(Calendar::Persian),
            _ => Err(Error::invalid(
                "calendar",
                format!("{s:?} is not gregorian or persian"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[serde(rename = "en-IN")]
    EnIn,
    #[serde(rename = "hi-IN")]
    HiIn,
    #[serde(rename = "fa-IR")]
    FaIr,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::EnIn => "en-IN",
            Locale::HiIn => "hi-IN",
            Locale::FaIr => "fa-IR",
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim() {
            "en-IN" => Ok(Locale::EnIn),
            "hi-IN" => Ok(Locale::HiIn),
            "fa-IR" => Ok(Locale::FaIr),
            _ => Err(Error::invalid(
                "locale",
                format!("{s:?} is not one of en-IN, hi-IN, fa-IR"),
            )),
        }
    }
}

/// First day of the fiscal year, as month and day in the organisation's calendar:
/// 1 April (4/1) in India, 1 Farvardin (1/1, Persian calendar) in Iran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalYearStart {
    pub month: u32,
    pub day: u32,
}

impl FiscalYearStart {
    pub fn new(month: u32, day: u32, calendar: Calendar) -> Result<Self> {
        let max_day = match (calendar, month) {
            (_, m) if !(1..=12).contains(&m) => {
                return Err(Error::invalid(
                    "fiscal_year_start",
                    format!("month {month} is not 1 to 12"),
                ))
            }
            // Persian: six months of 31 days, five of 30, Esfand 29 (30 in leap years).
            (Calendar::Persian, m) if m <= 6 => 31,
            (Calendar::Persian, m) if m <= 11 => 30,
            (Calendar::Persian, _) => 29,
            (Calendar::Gregorian, 2) => 28,
            (Calendar::Gregorian, 4 | 6 | 9 | 11) => 30,
            (Calendar::Gregorian, _) => 31,
        };
        if day == 0 || day > max_day {
            return Err(Error::invalid(
                "fiscal_year_start",
                format!("day {day} is not in month {month} of every year"),
            ));
        }
        Ok(FiscalYearStart { month, day })
    }
}

/// The command that creates an organisation. Every field is given by the caller;
/// `id` is chosen by the client (a UUID), so a retried creation is idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrganisation {
    pub id: uuid::Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub currency: Currency,
    pub calendar: Calendar,
    pub fiscal_year_start: FiscalYearStart,
    pub locale: Locale,
    pub rounding: RoundingRule,
    /// The business date the organisation starts keeping books in daftar.
    pub opened_on: NaiveDate,
}

impl NewOrganisation {
    /// Normalises the name (NFC) and checks the fields that types alone cannot.
    pub(crate) fn validated(mut self) -> Result<Self> {
        self.name = text::person_text("name", &self.name, MAX_ORG_NAME_CHARS)?;
        self.currency = Currency::new(&self.currency.code, Some(self.currency.scale))?;
        self.fiscal_year_start = FiscalYearStart::new(
            self.fiscal_year_start.month,
            self.fiscal_year_start.day,
            self.calendar,
        )?;
        Ok(self)
    }
}

/// An organisation as the book holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: uuid::Uuid,
    pub kind: OrgKind,
    pub name: String,
    pub currency: Currency,
    pub calendar: Calendar,
    pub fiscal_year_start: FiscalYearStart,
    pub locale: Locale,
    pub rounding: RoundingRule,
    pub opened_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_year_start_is_checked_in_its_calendar() {
        assert!(FiscalYearStart::new(4, 1, Calendar::Gregorian).is_ok());
        assert!(FiscalYearStart::new(1, 1, Calendar::Persian).is_ok());
        assert!(FiscalYearStart::new(2, 30, Calendar::Gregorian).is_err());
        assert!(FiscalYearStart::new(6, 31, Calendar::Persian).is_ok());
        assert!(FiscalYearStart::new(7, 31, Calendar::Persian).is_err());
        assert!(FiscalYearStart::new(13, 1, Calendar::Persian).is_err());
    }

    #[test]
    fn kinds_locales_and_calendars_parse_their_text_forms() {
        for k in ["shg", "vo", "clf", "ngo", "fund"] {
            assert_eq!(OrgKind::parse(k).unwrap().as_str(), k);
        }
        for l in ["en-IN", "hi-IN", "fa-IR"] {
            assert_eq!(Locale::parse(l).unwrap().as_str(), l);
        }
        assert!(OrgKind::parse("club").is_err());
        assert!(Locale::parse("fr-FR").is_err());
        assert_eq!(Calendar::parse("persian").unwrap(), Calendar::Persian);
    }
}
