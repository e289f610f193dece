//! Amounts and dates as an organisation's people write them: en-IN with Indian
//! grouping (12,34,567.00), hi-IN with Devanagari digits, fa-IR with Persian
//! digits and the Solar Hijri calendar.
//!
//! Formatting uses ICU4X's CLDR data (`icu_decimal`), so the symbols and grouping
//! are the ones every other CLDR tool prints (the oracle test compares with
//! babel). ICU4X has no number parser; [`parse_amount`] is ours, strict about
//! anything it could misread. Calendar conversion is ICU4X's arithmetic Persian
//! calendar (`icu_calendar`), compared with jdatetime by the oracle test.

use chrono::{Datelike, NaiveDate};
use icu_calendar::{cal::Persian, Date};
use icu_decimal::input::Decimal as IcuDecimal;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_decimal::DecimalFormatter;
use icu_locale_core::{locale, Locale as IcuLocale};
use rust_decimal::Decimal;
use writeable::Writeable;

use crate::error::{Error, Result};
use crate::org::{Calendar, Locale};
use crate::text::digit;

/// Longest amount text accepted, in characters: more is not a typed amount.
const MAX_AMOUNT_CHARS: usize = 64;

/// A year, month and day in some calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The calendar a locale shows dates in: Solar Hijri for fa-IR.
pub fn calendar_of(locale: Locale) -> Calendar {
    match locale {
        Locale::FaIr => Calendar::Persian,
        Locale::EnIn | Locale::HiIn => Calendar::Gregorian,
    }
}

fn icu_locale(locale: Locale) -> IcuLocale {
    match locale {
        Locale::EnIn => locale!("en-IN"),
        // CLDR's default digits for Hindi are Latin; the organisation asked for Devanagari.
        Locale::HiIn => locale!("hi-IN-u-nu-deva"),
        Locale::FaIr => locale!("fa-IR"),
    }
}

fn icu_error(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: format!("locale data: {e}"),
    }
}

/// Formats amounts and dates for one locale. Build it once per report.
pub struct LocalFormat {
    locale: Locale,
    grouped: DecimalFormatter,
    plain: DecimalFormatter,
}

impl LocalFormat {
    pub fn new(locale: Locale) -> Result<LocalFormat> {
        let prefs = icu_locale(locale);
        let grouped =
            DecimalFormatter::try_new((&prefs).into(), Default::default()).map_err(icu_error)?;
        let plain = DecimalFormatter::try_new(
            (&prefs).into(),
            DecimalFormatterOptions::from(GroupingStrategy::Never),
        )
        .map_err(icu_error)?;
        Ok(LocalFormat {
            locale,
            grouped,
            plain,
        })
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// An amount with the locale's digits, grouping and separators, keeping its
    /// decimal places: `1234567.00` is `12,34,567.00` in en-IN, `۱٬۲۳۴٬۵۶۷` in fa-IR.
    pub fn amount(&self, amount: Decimal) -> String {
        let mut d = IcuDecimal::from(amount.mantissa());
        // rust_decimal's scale is at most 28, so it fits an i16.
        d.multiply_pow10(-(amount.scale() as i16));
        self.grouped.format(&d).write_to_string().into_owned()
    }

    /// A whole number in the locale's digits, without grouping (sequence numbers).
    pub fn number(&self, n: u64) -> String {
        self.plain
            .format(&IcuDecimal::from(n))
            .write_to_string()
            .into_owned()
    }

    fn padded(&self, n: u32, width: i16) -> String {
        let mut d = IcuDecimal::from(n);
        d.absolute.pad_start(width);
        self.plain.format(&d).write_to_string().into_owned()
    }

    /// A date in the locale's calendar and digits: `25/11/2026` (en-IN),
    /// `२५/११/२०२६` (hi-IN), `۱۴۰۵/۰۹/۰۴` (fa-IR, Solar Hijri, year first).
    pub fn date(&self, date: NaiveDate) -> Result<String> {
        let c = to_calendar(date, calendar_of(self.locale))?;
        let (y, m, d) = (
            self.padded(c.year.unsigned_abs(), 4),
            self.padded(c.month, 2),
            self.padded(c.day, 2),
        );
        Ok(match calendar_of(self.locale) {
            Calendar::Persian => format!("{y}/{m}/{d}"),
            Calendar::Gregorian => format!("{d}/{m}/{y}"),
        })
    }
}

/// Money as an organisation writes it, for messages: the amount in the
/// locale's digits and grouping, then the currency (`10,200.00 INR`,
/// `۱۰٬۲۰۰ IRR`). If ICU cannot format, the plain decimal is shown.
pub fn money(amount: Decimal, currency: &crate::money::Currency, locale: Locale) -> String {
    let figure = format_amount(amount, locale).unwrap_or_else(|_| amount.to_string());
    format!("{figure} {}", currency.code)
}

/// Formats one amount; see [`LocalFormat::amount`].
pub fn format_amount(amount: Decimal, locale: Locale) -> Result<String> {
    Ok(LocalFormat::new(locale)?.amount(amount))
}

/// Formats one date; see [`LocalFormat::date`].
pub fn format_date(date: NaiveDate, locale: Locale) -> Result<String> {
    LocalFormat::new(locale)?.date(date)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// `.` or the Arabic decimal separator `٫`: always a decimal point.
    Point,
    /// `,`, `٬`, `،`, an apostrophe or a space of any width: always grouping.
    Group,
}

fn mark(c: char) -> Option<Mark> {
    match c {
        '.' | '\u{066B}' => Some(Mark::Point),
        ',' | '\u{066C}' | '\u{060C}' | '\'' | ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' => {
            Some(Mark::Group)
        }
        _ => None,
    }
}

/// Reads an amount typed in Latin, Devanagari, Persian or Arabic-Indic digits,
/// with any of their grouping and decimal marks: `12,34,567.50`, `१२,३४,५६७.५०`,
/// `۱٬۲۳۴٬۵۶۷٫۵`, `١٢٣٤`. A comma is always grouping and a point always decimal,
/// so an input that only makes sense the other way round (`12,5`, `1.234.567`)
/// is refused as ambiguous rather than guessed. Groups must be of three digits
/// at the right, then of two (Indian) or three (international).
pub fn parse_amount(field: &str, text: &str) -> Result<Decimal> {
    let refuse = |why: String| Err(Error::invalid(field, why));
    // Bidirectional marks that formatted Persian text carries around a sign.
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .collect();
    if t.is_empty() {
        return refuse("is empty".into());
    }
    if t.chars().count() > MAX_AMOUNT_CHARS {
        return refuse(format!("is longer than {MAX_AMOUNT_CHARS} characters"));
    }
    let (negative, body) = match t.chars().next() {
        Some('-' | '\u{2212}') => (true, &t[t.char_indices().nth(1).map_or(t.len(), |x| x.0)..]),
        Some('+') => (false, &t[1..]),
        _ => (false, t.as_str()),
    };
    let mut script = None;
    let mut groups: Vec<String> = vec![String::new()];
    let mut fraction: Option<String> = None;
    for c in body.chars() {
        if let Some((d, s)) = digit(c) {
            match script {
                Some(prev) if prev != s => {
                    return refuse(format!(
                        "{t:?} mixes digits of different scripts; type it in one"
                    ))
                }
                _ => script = Some(s),
            }
            let ch = char::from_digit(d, 10).unwrap_or('0');
            match fraction.as_mut() {
                Some(f) => f.push(ch),
                None => groups.last_mut().map(|g| g.push(ch)).unwrap_or(()),
            }
            continue;
        }
        match (mark(c), fraction.is_some()) {
            (Some(Mark::Group), false) => groups.push(String::new()),
            (Some(Mark::Point), false) => fraction = Some(String::new()),
            (Some(Mark::Point), true) => {
                return refuse(format!(
                    "{t:?} has two decimal points; if the points group thousands, use commas"
                ))
            }
            (Some(Mark::Group), true) => {
                return refuse(format!("{t:?} has a grouping mark after the decimal point"))
            }
            (None, _) if c == '/' => {
                return refuse(format!(
                    "{t:?}: '/' is ambiguous (a date, or a decimal point?); use '.' or '٫'"
                ))
            }
            (None, _) => return refuse(format!("{t:?} is not an amount: {c:?} is not a digit")),
        }
    }
    if groups.iter().all(String::is_empty) {
        return refuse(format!("{t:?} has no digits before the decimal point"));
    }
    if fraction.as_deref() == Some("") {
        return refuse(format!("{t:?} ends with a decimal point"));
    }
    if groups.len() > 1 {
        let last = groups.len() - 1;
        let ok = groups.iter().enumerate().all(|(i, g)| match i {
            0 => (1..=3).contains(&g.len()),
            i if i == last => g.len() == 3,
            _ => g.len() == 2 || g.len() == 3,
        });
        // Indian (12,34,567) or international (1,234,567), not a mix.
        let middle: Vec<usize> = groups[1..last].iter().map(String::len).collect();
        let uniform = middle.windows(2).all(|w| w[0] == w[1]);
        if !ok || !uniform {
            let hint = if groups.len() == 2 && groups[1].len() < 3 {
                " (a comma is never a decimal point here; use '.' or '٫')"
            } else {
                ""
            };
            return refuse(format!(
                "{t:?} is grouped ambiguously{hint}: groups are three digits at the right, then two or three"
            ));
        }
    }
    let mut plain = groups.concat();
    if let Some(f) = fraction {
        plain.push('.');
        plain.push_str(&f);
    }
    let d = crate::money::parse_decimal(field, &plain)?;
    Ok(if negative && !d.is_zero() { -d } else { d })
}

/// A Gregorian date in `calendar`.
pub fn to_calendar(date: NaiveDate, calendar: Calendar) -> Result<CalendarDate> {
    match calendar {
        Calendar::Gregorian => Ok(CalendarDate {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }),
        Calendar::Persian => {
            let iso = iso(date)?;
            let p = iso.to_calendar(Persian);
            Ok(CalendarDate {
                year: p.year().extended_year(),
                month: u32::from(p.month().ordinal),
                day: u32::from(p.day_of_month().0),
            })
        }
    }
}

fn iso(date: NaiveDate) -> Result<Date<icu_calendar::Iso>> {
    let (m, d) = (date.month() as u8, date.day() as u8);
    Date::try_new_iso(date.year(), m, d)
        .map_err(|e| Error::invalid("date", format!("{date} is out of range: {e}")))
}

/// The Gregorian date of a year, month and day in `calendar`, refusing days the
/// month does not have (30 Esfand exists only in leap years).
pub fn from_calendar(calendar: Calendar, c: CalendarDate) -> Result<NaiveDate> {
    let bad = || {
        Error::invalid(
            "date",
            format!(
                "{:04}/{:02}/{:02} is not a day of the {} calendar",
                c.year,
                c.month,
                c.day,
                calendar.as_str()
            ),
        )
    };
    match calendar {
        Calendar::Gregorian => NaiveDate::from_ymd_opt(c.year, c.month, c.day).ok_or_else(bad),
        Calendar::Persian => {
            let (m, d) = (u8::try_from(c.month), u8::try_from(c.day));
            let (Ok(m), Ok(d)) = (m, d) else {
                return Err(bad());
            };
            let p = Date::try_new_persian(c.year, m, d).map_err(|_| bad())?;
            let g = p.to_calendar(icu_calendar::Iso);
            NaiveDate::from_ymd_opt(
                g.year().extended_year(),
                u32::from(g.month().ordinal),
                u32::from(g.day_of_month().0),
            )
            .ok_or_else(bad)
        }
    }
}

/// Reads a date typed in `calendar`, in any of the digit scripts, with `/`, `-`
/// or `.` between the parts. The year has four digits and comes first
/// (`1405/09/04`, `2026-11-25`) or, in the Gregorian calendar, last
/// (`25/11/2026`, day before month as in India). A two-digit year is refused.
/// A Persian-calendar organisation's dates are Solar Hijri; a year that looks
/// Gregorian there is refused rather than silently taken as year 2026 AP.
pub fn parse_date(field: &str, text: &str, calendar: Calendar) -> Result<NaiveDate> {
    let t = crate::text::ascii_digits(text.trim()).ok_or_else(|| {
        Error::invalid(
            field,
            format!("{text:?} mixes digits of different scripts; type it in one"),
        )
    })?;
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric {
        return Err(Error::invalid(
            field,
            format!("{text:?} is not a date; write year/month/day, e.g. 1405/09/04 or 2026-11-25"),
        ));
    }
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 && calendar == Calendar::Gregorian {
        (parts[2], parts[1], parts[0])
    } else {
        return Err(Error::invalid(
            field,
            format!("{text:?}: give the year in four digits, first (year/month/day)"),
        ));
    };
    let year = n(y) as i32;
    if calendar == Calendar::Persian && year >= 1700 {
        return Err(Error::invalid(
            field,
            format!("{text:?}: this organisation's dates are Solar Hijri (e.g. 1405/09/04)"),
        ));
    }
    let date = from_calendar(
        calendar,
        CalendarDate {
            year,
            month: n(m),
            day: n(d),
        },
    )
    .map_err(|e| match e {
        Error::InvalidInput { reason, .. } => Error::invalid(field, reason),
        e => e,
    })?;
    check_supported_date(field, date)
}

/// The first and last business dates a book accepts. Reports and schedules are
/// computed for dates in this range only; beyond it, input is refused at the edge.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Refuses a date outside [`FIRST_DATE`]..=[`LAST_DATE`].
pub fn check_supported_date(field: &str, date: NaiveDate) -> Result<NaiveDate> {
    if date < FIRST_DATE || date > LAST_DATE {
        return Err(Error::invalid(
            field,
            format!("{date} is outside the dates a book supports ({FIRST_DATE} to {LAST_DATE})"),
        ));
    }
    Ok(date)
}

/// The first day of the `calendar` year that starts at `month`/`day` and contains
/// `date`, and the first day of the next such year.
pub fn year_starting(
    calendar: Calendar,
    month: u32,
    day: u32,
    date: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let here = to_calendar(date, calendar)?;
    let start_of = |year: i32| from_calendar(calendar, CalendarDate { year, month, day });
    let this = start_of(here.year)?;
    let (from, next) = if date >= this {
        (this, start_of(here.year + 1)?)
    } else {
        (start_of(here.year - 1)?, this)
    };
    debug_assert!(from <= date && date < next);
    Ok((from, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn amounts_use_indian_grouping_in_en_in() {
        let f = LocalFormat::new(Locale::EnIn).unwrap();
        assert_eq!(f.amount(dec("1234567.00")), "12,34,567.00");
        assert_eq!(f.amount(dec("-1000.5")), "-1,000.5");
        assert_eq!(f.amount(dec("999")), "999");
    }

    #[test]
    fn hindi_amounts_are_in_devanagari_digits() {
        let f = LocalFormat::new(Locale::HiIn).unwrap();
        assert_eq!(f.amount(dec("1234567.00")), "१२,३४,५६७.००");
    }

    #[test]
    fn persian_amounts_use_persian_digits_and_separators() {
        let f = LocalFormat::new(Locale::FaIr).unwrap();
        assert_eq!(f.amount(dec("1234567")), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(f.amount(dec("12.5")), "۱۲٫۵");
    }

    #[test]
    fn every_script_parses_to_the_same_amount() {
        for t in [
            "12,34,567.50",
            "1,234,567.50",
            "1234567.5",
            "१२,३४,५६७.५०",
            "۱٬۲۳۴٬۵۶۷٫۵",
            "١٬٢٣٤٬٥٦٧٫٥",
            "۱۲۳۴۵۶۷٫۵۰",
            "۱۲۳۴۵۶۷.۵",
            "1 234 567.5",
        ] {
            assert_eq!(parse_amount("amount", t).unwrap(), dec("1234567.5"), "{t}");
        }
        assert_eq!(
            parse_amount("amount", "\u{200E}\u{2212}۱۲").unwrap(),
            dec("-12")
        );
    }

    #[test]
    fn formatted_amounts_parse_back_exactly() {
        for l in [Locale::EnIn, Locale::HiIn, Locale::FaIr] {
            let f = LocalFormat::new(l).unwrap();
            for s in ["0.01", "-98765432.10", "100000", "7"] {
                let back = parse_amount("amount", &f.amount(dec(s))).unwrap();
                assert_eq!(back, dec(s), "{l:?} {s}");
            }
        }
    }

    #[test]
    fn ambiguous_amounts_are_refused_with_the_reason() {
        let cases = [
            ("12,5", "grouped ambiguously"),
            ("1.234.567", "two decimal points"),
            ("1,23,4567", "grouped ambiguously"),
            ("12,34,5678", "grouped ambiguously"),
            ("1,234,56,789", "grouped ambiguously"),
            ("12/5", "ambiguous"),
            ("1۲3", "mixes digits"),
            // Persian ۴ beside Arabic-Indic ٥: alike on screen, two scripts.
            ("۱۲۴٥", "mixes digits"),
            ("12.", "ends with a decimal point"),
            (".5", "no digits before"),
            ("1.5,0", "after the decimal point"),
            ("12a", "not a digit"),
            ("", "empty"),
            ("--5", "not a digit"),
        ];
        for (t, why) in cases {
            let e = parse_amount("amount", t).unwrap_err().to_string();
            assert!(e.contains(why), "{t:?}: {e}");
            assert!(e.contains("amount"), "{t:?}: {e}");
        }
    }

    #[test]
    fn nowruz_is_the_first_of_farvardin() {
        let c = to_calendar(ymd(2025, 3, 21), Calendar::Persian).unwrap();
        assert_eq!((c.year, c.month, c.day), (1404, 1, 1));
        let back = from_calendar(Calendar::Persian, c).unwrap();
        assert_eq!(back, ymd(2025, 3, 21));
    }

    #[test]
    fn thirtieth_of_esfand_exists_only_in_leap_years() {
        let p = |y, m, d| {
            from_calendar(
                Calendar::Persian,
                CalendarDate {
                    year: y,
                    month: m,
                    day: d,
                },
            )
        };
        // 1403 is a leap year; 1404 is not.
        assert_eq!(p(1403, 12, 30).unwrap(), ymd(2025, 3, 20));
        assert!(p(1404, 12, 30).is_err());
        assert!(p(1404, 13, 1).is_err());
    }

    #[test]
    fn dates_show_in_the_locale_calendar_and_digits() {
        let d = ymd(2026, 11, 25);
        assert_eq!(format_date(d, Locale::EnIn).unwrap(), "25/11/2026");
        assert_eq!(format_date(d, Locale::HiIn).unwrap(), "२५/११/२०२६");
        assert_eq!(format_date(d, Locale::FaIr).unwrap(), "۱۴۰۵/۰۹/۰۴");
    }

    #[test]
    fn dates_are_read_in_the_organisation_calendar() {
        let d = ymd(2026, 11, 25);
        assert_eq!(parse_date("d", "۱۴۰۵/۰۹/۰۴", Calendar::Persian).unwrap(), d);
        assert_eq!(parse_date("d", "1405-9-4", Calendar::Persian).unwrap(), d);
        assert_eq!(
            parse_date("d", "2026-11-25", Calendar::Gregorian).unwrap(),
            d
        );
        assert_eq!(
            parse_date("d", "२५/११/२०२६", Calendar::Gregorian).unwrap(),
            d
        );
        let e = parse_date("d", "2026-11-25", Calendar::Persian).unwrap_err();
        assert!(e.to_string().contains("Solar Hijri"), "{e}");
        assert!(parse_date("d", "25/11/26", Calendar::Gregorian).is_err());
        assert!(parse_date("d", "04/09/1405", Calendar::Persian).is_err());
        assert!(parse_date("d", "2026-02-30", Calendar::Gregorian).is_err());
        // One script to a date, as to an amount: all Arabic-Indic is read,
        // Persian with Arabic-Indic (or Latin) is refused.
        assert_eq!(parse_date("d", "١٤٠٥/٠٩/٠٤", Calendar::Persian).unwrap(), d);
        for mixed in ["۱۴۰۵/٠٩/٠٤", "1405/۰۹/۰۴"] {
            let e = parse_date("d", mixed, Calendar::Persian).unwrap_err();
            assert!(e.to_string().contains("mixes digits"), "{mixed}: {e}");
        }
    }

    #[test]
    fn years_start_on_their_first_day_in_either_calendar() {
        // Indian fiscal year: 1 April.
        let (f, n) = year_starting(Calendar::Gregorian, 4, 1, ymd(2026, 3, 31)).unwrap();
        assert_eq!((f, n), (ymd(2025, 4, 1), ymd(2026, 4, 1)));
        // Iranian: 1 Farvardin; 1403 AP (leap) runs 2024-03-20 to 2025-03-20.
        let (f, n) = year_starting(Calendar::Persian, 1, 1, ymd(2025, 3, 20)).unwrap();
        assert_eq!((f, n), (ymd(2024, 3, 20), ymd(2025, 3, 21)));
        let (f, _) = year_starting(Calendar::Persian, 1, 1, ymd(2025, 3, 21)).unwrap();
        assert_eq!(f, ymd(2025, 3, 21));
    }
}
