//! Money at the edges: `Decimal` in, INTEGER minor units inside, explicit rounding.
//! No float ever touches an amount.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The largest minor-unit scale daftar accepts for a currency.
pub const MAX_SCALE: u32 = 6;

/// An ISO 4217 currency with its minor-unit scale (INR 2, IRR 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: String,
    pub scale: u32,
}

impl Currency {
    /// `scale` may be omitted for currencies daftar knows; any other ISO code needs it.
    pub fn new(code: &str, scale: Option<u32>) -> Result<Self> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::invalid(
                "currency",
                format!("{code:?} is not a three-letter ISO 4217 code"),
            ));
        }
        let known = match code.as_str() {
            "INR" | "USD" | "EUR" => Some(2),
            "IRR" => Some(0),
            _ => None,
        };
        let scale = match (scale, known) {
            (Some(s), _) => s,
            (None, Some(k)) => k,
            (None, None) => {
                return Err(Error::invalid(
                    "currency_scale",
                    format!("{code} is not a built-in currency; give its minor-unit scale"),
                ))
            }
        };
        if scale > MAX_SCALE {
            return Err(Error::invalid(
                "currency_scale",
                format!("{scale} is more than the largest supported scale {MAX_SCALE}"),
            ));
        }
        Ok(Currency { code, scale })
    }
}

/// Parses text typed by a person or a program into a decimal. Names `field` on failure.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    // A strict grammar: an optional sign, digits, and an optional fraction. Decimal's
    // own parser also takes exponents and underscores, which a person never means.
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !well_formed {
        return Err(Error::invalid(field, format!("{t:?} is not a number")));
    }
    // Decimal holds 28 places and would round a longer fraction silently.
    let significant = frac.trim_end_matches('0');
    if significant.len() > MAX_FRACTION_DIGITS as usize {
        return Err(Error::invalid(
            field,
            format!("{t:?} has more than {MAX_FRACTION_DIGITS} decimal places"),
        ));
    }
    let d = Decimal::from_str(t)
        .map_err(|_| Error::invalid(field, format!("{t:?} is too long or too precise a number")))?;
    // "-0" is zero: it is never stored or shown with a sign ("-0.00" reads as "0.00").
    let mut d = d;
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    Ok(d)
}

/// The most decimal places a typed number may have; more is refused, never rounded.
pub const MAX_FRACTION_DIGITS: u32 = 28;

/// Converts a decimal to minor units of a currency with `scale`, refusing any
/// amount that would need rounding or that does not fit in an i64.
pub fn to_minor(field: &str, amount: Decimal, scale: u32) -> Result<i64> {
    let n = amount.normalize();
    if n.scale() > scale {
        return Err(Error::invalid(
            field,
            format!(
                "{amount} has {} decimal places; this currency allows {scale}",
                n.scale()
            ),
        ));
    }
    let factor = Decimal::from(10i64.pow(scale));
    let beyond = || {
        Error::invalid(
            field,
            format!("{amount} is beyond the largest amount a book can hold"),
        )
    };
    let minor = n.checked_mul(factor).ok_or_else(beyond)?;
    i64::try_from(minor).map_err(|_| beyond())
}

/// Like `to_minor`, for amounts that must be strictly positive (deposits, payments).
pub fn positive_minor(field: &str, amount: Decimal, scale: u32) -> Result<i64> {
    if amount <= Decimal::ZERO {
        return Err(Error::invalid(
            field,
            format!("{amount} must be more than zero"),
        ));
    }
    to_minor(field, amount, scale)
}

/// Minor units back to a decimal with exactly `scale` places.
pub fn from_minor(minor: i64, scale: u32) -> Decimal {
    Decimal::new(minor, scale)
}

/// How computed amounts (interest, instalments) are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingRule {
    pub mode: RoundingMode,
    pub unit: RoundingUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingMode {
    HalfUp,
    HalfEven,
    Down,
    Up,
}

/// Round to the currency's minor unit, or to whole units (a common SHG policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundingUnit {
    Minor,
    Whole,
}

impl Default for RoundingRule {
    fn default() -> Self {
        RoundingRule {
            mode: RoundingMode::HalfUp,
            unit: RoundingUnit::Minor,
        }
    }
}

impl RoundingRule {
    /// Rounds `value` (in major units) to the rule's unit for a currency of `scale`.
    pub fn round(&self, value: Decimal, scale: u32) -> Decimal {
        let dp = match self.unit {
            RoundingUnit::Minor => scale,
            RoundingUnit::Whole => 0,
        };
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        };
        value.round_dp_with_strategy(dp, strategy)
    }

    /// The text form stored in the book, e.g. `half-up/minor`.
    pub fn as_text(&self) -> String {
        let mode = match self.mode {
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfEven => "half-even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        };
        let unit = match self.unit {
            RoundingUnit::Minor => "minor",
            RoundingUnit::Whole => "whole",
        };
        format!("{mode}/{unit}")
    }

    pub fn parse(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "rounding",
                format!("{text:?} is not MODE/UNIT, e.g. half-up/minor or half-even/whole"),
            )
        };
        let (m, u) = text.trim().split_once('/').ok_or_else(bad)?;
        let mode = match m {
            "half-up" => RoundingMode::HalfUp,
            "half-even" => RoundingMode::HalfEven,
            "down" => RoundingMode::Down,
            "up" => RoundingMode::Up,
            _ => return Err(bad()),
        };
        let unit = match u {
            "minor" => RoundingUnit::Minor,
            "whole" => RoundingUnit::Whole,
            _ => return Err(bad()),
        };
        Ok(RoundingRule { mode, unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn inr_has_two_decimals_and_irr_none() {
        assert_eq!(Currency::new("inr", None).unwrap().scale, 2);
        assert_eq!(Currency::new("IRR", None).unwrap().scale, 0);
        assert_eq!(Currency::new("KWD", Some(3)).unwrap().scale, 3);
    }

    #[test]
    fn unknown_currency_without_scale_names_the_scale_field() {
        let e = Currency::new("KWD", None).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "currency_scale"));
        let e = Currency::new("RUPEE", None).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "currency"));
    }

    #[test]
    fn too_many_decimals_is_refused_with_the_field_name() {
        let e = to_minor("amount", d("10.005"), 2).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "amount"));
        let e = to_minor("amount", d("1.5"), 0).unwrap_err();
        assert!(e.to_string().contains("allows 0"));
    }

    #[test]
    fn trailing_zeros_do_not_count_as_decimals() {
        assert_eq!(to_minor("amount", d("100.000"), 0).unwrap(), 100);
        assert_eq!(to_minor("amount", d("12.50"), 2).unwrap(), 1250);
    }

    #[test]
    fn zero_and_negative_are_refused_where_positive_is_required() {
        for v in ["0", "-1", "-0.01"] {
            let e = positive_minor("deposit", d(v), 2).unwrap_err();
            assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "deposit"));
        }
    }

    #[test]
    fn amount_beyond_i64_minor_units_is_refused() {
        let e = to_minor("amount", d("92233720368547758.08"), 2).unwrap_err();
        assert!(e.to_string().contains("beyond"));
        assert_eq!(
            to_minor("amount", d("92233720368547758.07"), 2).unwrap(),
            i64::MAX
        );
    }

    #[test]
    fn text_that_is_not_a_number_is_refused() {
        for t in [
            "abc", "", "12,50", "1e3", "1_000", "NaN", "1.", ".5", "--1", "1.2.3",
        ] {
            let e = parse_decimal("amount", t).unwrap_err();
            assert!(
                matches!(e, Error::InvalidInput { ref field, .. } if field == "amount"),
                "{t}"
            );
        }
    }

    #[test]
    fn plain_decimal_text_parses() {
        assert_eq!(parse_decimal("amount", " 12.50 ").unwrap(), d("12.50"));
        assert_eq!(parse_decimal("amount", "-3").unwrap(), d("-3"));
        assert_eq!(parse_decimal("amount", "+7.0").unwrap(), d("7"));
    }

    #[test]
    fn rounding_rule_rounds_to_minor_or_whole_units() {
        let minor = RoundingRule::default();
        assert_eq!(minor.round(d("10.005"), 2), d("10.01"));
        let whole = RoundingRule::parse("half-even/whole").unwrap();
        assert_eq!(whole.round(d("10.5"), 2), d("10"));
        assert_eq!(whole.round(d("11.5"), 2), d("12"));
        assert_eq!(RoundingRule::parse(&whole.as_text()).unwrap(), whole);
        assert!(RoundingRule::parse("nearest").is_err());
    }

    proptest! {
        #[test]
        fn minor_units_round_trip_exactly(minor in any::<i64>(), scale in 0u32..=MAX_SCALE) {
            let dec = from_minor(minor, scale);
            prop_assert_eq!(to_minor("amount", dec, scale).unwrap(), minor);
        }
    }
}

/// Serde for an amount in a command: written as a plain decimal string
/// (normalised, so `"100.00"` and `"100"` are the same command), read from a
/// string by the strict grammar of [`parse_decimal`], or from a JSON integer.
/// A JSON number with a fraction is refused: it would have passed through a float.
pub mod amount {
    use rust_decimal::Decimal;
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.normalize().to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        struct Amount;
        impl Visitor<'_> for Amount {
            type Value = Decimal;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an amount as a string, such as \"1250.50\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                super::parse_decimal("amount", v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
                Ok(Decimal::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
                Ok(Decimal::from(v))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Decimal, E> {
                Err(E::custom(
                    "an amount with a fraction must be a string, such as \"1250.50\", never a JSON number",
                ))
            }
        }
        d.deserialize_any(Amount)
    }
}

/// [`amount`] for an amount a command may leave out: absent or `null` is `None`.
pub mod optional_amount {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::amount::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::amount")] Decimal);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(d)| d))
    }
}
