//! How a core value crosses to Kotlin and back. The core counts with unsigned
//! numbers (`u32` member, meeting and loan numbers, `u64` seqs); Kotlin sees
//! them as `Int` and `Long`, because Kotlin's `UInt`/`ULong` mangle the names
//! of the functions that take them and Java cannot call those. Everything
//! else crosses as it is.
//!
//! A record with such a number is declared once with [`mirrored!`], which
//! writes the record and both conversions; no number is ever cast: a negative
//! one from Kotlin is `InvalidInput` naming its field, and a core number
//! beyond Kotlin's range is `Internal` rather than a wrong figure.
//!
//! The conversions fail with the two-word [`Uncrossable`], made a
//! `DaftarError` once at the edge: every field's `?` then moves 24 bytes, not
//! the public error, which keeps the phone's library small.

use crate::error::DaftarError;

/// A number that cannot cross, by the field that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Uncrossable {
    /// From Kotlin: a count or number below zero.
    Negative(&'static str),
    /// From the core: beyond what Kotlin's `Int` or `Long` holds.
    TooLarge(&'static str),
}

impl From<Uncrossable> for DaftarError {
    #[cold]
    fn from(u: Uncrossable) -> Self {
        match u {
            Uncrossable::Negative(field) => DaftarError::InvalidInput {
                field: field.into(),
                reason: "must not be negative".into(),
            },
            Uncrossable::TooLarge(field) => DaftarError::Internal {
                reason: format!("{field} is beyond what Kotlin's Int or Long holds"),
            },
        }
    }
}

pub(crate) type Crossing<T> = std::result::Result<T, Uncrossable>;

/// A core value as Kotlin receives it.
pub(crate) trait FromCore<C>: Sized {
    fn from_core(c: C, field: &'static str) -> Crossing<Self>;
}

/// A value from Kotlin as the core takes it.
pub(crate) trait IntoCore<C> {
    fn into_core(self, field: &'static str) -> Crossing<C>;
}

/// What a book's method returns, crossed to Kotlin.
pub(crate) fn crossed<C, K: FromCore<C>>(c: C) -> crate::error::Result<K> {
    Ok(K::from_core(c, "result")?)
}

macro_rules! signed {
    ($($unsigned:ty => $signed:ty;)*) => {$(
        impl FromCore<$unsigned> for $signed {
            fn from_core(c: $unsigned, field: &'static str) -> Crossing<Self> {
                <$signed>::try_from(c).map_err(|_| Uncrossable::TooLarge(field))
            }
        }

        impl IntoCore<$unsigned> for $signed {
            fn into_core(self, field: &'static str) -> Crossing<$unsigned> {
                <$unsigned>::try_from(self).map_err(|_| Uncrossable::Negative(field))
            }
        }
    )*};
}

signed! {
    u32 => i32;
    u64 => i64;
}

impl<C, K: FromCore<C>> FromCore<Vec<C>> for Vec<K> {
    fn from_core(c: Vec<C>, field: &'static str) -> Crossing<Self> {
        // A plain loop: smaller in the phone's library than a collect of Results.
        let mut out = Vec::with_capacity(c.len());
        for v in c {
            out.push(K::from_core(v, field)?);
        }
        Ok(out)
    }
}

impl<C, K: IntoCore<C>> IntoCore<Vec<C>> for Vec<K> {
    fn into_core(self, field: &'static str) -> Crossing<Vec<C>> {
        let mut out = Vec::with_capacity(self.len());
        for v in self {
            out.push(v.into_core(field)?);
        }
        Ok(out)
    }
}

impl<C, K: FromCore<C>> FromCore<Option<C>> for Option<K> {
    fn from_core(c: Option<C>, field: &'static str) -> Crossing<Self> {
        c.map(|v| K::from_core(v, field)).transpose()
    }
}

impl<C, K: IntoCore<C>> IntoCore<Option<C>> for Option<K> {
    fn into_core(self, field: &'static str) -> Crossing<Option<C>> {
        self.map(|v| v.into_core(field)).transpose()
    }
}

/// Types that cross unchanged.
macro_rules! unchanged {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::types::crossing::FromCore<$t> for $t {
            fn from_core(c: $t, _: &'static str) -> $crate::types::crossing::Crossing<Self> {
                Ok(c)
            }
        }

        impl $crate::types::crossing::IntoCore<$t> for $t {
            fn into_core(self, _: &'static str) -> $crate::types::crossing::Crossing<$t> {
                Ok(self)
            }
        }
    )*};
}

pub(crate) use unchanged;

unchanged!(
    bool,
    i32,
    i64,
    String,
    rust_decimal::Decimal,
    chrono::NaiveDate,
    uuid::Uuid,
);

/// A record Kotlin sees in place of the core's `$core`: the same fields, each
/// crossing by [`FromCore`]/[`IntoCore`], so only its unsigned numbers change.
macro_rules! mirrored {
    ($(#[$m:meta])* pub struct $name:ident mirrors $core:path {
        $($(#[$fm:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $(#[$m])*
        #[derive(uniffi::Record)]
        pub struct $name {
            $($(#[$fm])* pub $field: $ty,)*
        }

        impl $crate::types::crossing::FromCore<$core> for $name {
            fn from_core(c: $core, _: &'static str) -> $crate::types::crossing::Crossing<Self> {
                Ok(Self {
                    $($field: $crate::types::crossing::FromCore::from_core(
                        c.$field,
                        stringify!($field),
                    )?,)*
                })
            }
        }

        impl $crate::types::crossing::IntoCore<$core> for $name {
            fn into_core(self, _: &'static str) -> $crate::types::crossing::Crossing<$core> {
                // A struct literal cannot name a `path` fragment; an alias can.
                type Core = $core;
                Ok(Core {
                    $($field: $crate::types::crossing::IntoCore::into_core(
                        self.$field,
                        stringify!($field),
                    )?,)*
                })
            }
        }
    };
}

pub(crate) use mirrored;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_number_from_kotlin_is_refused_naming_its_field() {
        let err = IntoCore::<u32>::into_core(-1i32, "member_no").unwrap_err();
        assert_eq!(err, Uncrossable::Negative("member_no"));
        match DaftarError::from(err) {
            DaftarError::InvalidInput { field, reason } => {
                assert_eq!(field, "member_no");
                assert!(reason.contains("negative"), "{reason}");
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
        let seqs: Vec<i64> = vec![3, -7];
        assert_eq!(
            IntoCore::<Vec<u64>>::into_core(seqs, "seq"),
            Err(Uncrossable::Negative("seq"))
        );
    }

    #[test]
    fn every_number_kotlin_can_hold_crosses_both_ways_unchanged() {
        for n in [0u32, 1, 999_999, i32::MAX as u32] {
            let k: i32 = FromCore::from_core(n, "n").unwrap();
            let back: u32 = k.into_core("n").unwrap();
            assert_eq!(back, n);
        }
        for n in [0u64, 1, i64::MAX as u64] {
            let k: i64 = FromCore::from_core(n, "n").unwrap();
            assert_eq!(IntoCore::<u64>::into_core(k, "n").unwrap(), n);
        }
        let some: Option<i32> = FromCore::from_core(Some(7u32), "n").unwrap();
        assert_eq!(some, Some(7));
    }

    #[test]
    fn a_core_number_beyond_kotlins_range_is_an_error_not_a_wrapped_figure() {
        let too_big = i32::MAX as u32 + 1;
        assert_eq!(
            <i32 as FromCore<u32>>::from_core(too_big, "loan_no"),
            Err(Uncrossable::TooLarge("loan_no"))
        );
        assert!(<i64 as FromCore<u64>>::from_core(u64::MAX, "seq").is_err());
        assert!(matches!(
            DaftarError::from(Uncrossable::TooLarge("seq")),
            DaftarError::Internal { .. }
        ));
    }

    #[test]
    fn a_mirrored_record_with_nested_records_crosses_both_ways_unchanged() {
        use chrono::NaiveDate;
        use daftar_core as core;
        use rust_decimal::Decimal;

        let day = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        let loan = core::settlement::OpeningLoan {
            outstanding: Decimal::new(500000, 2),
            arrears: Decimal::ZERO,
            overdue_since: None,
            rate: Decimal::new(12, 0),
            rate_period: core::loan::RatePeriod::Year,
            remaining_term: 10,
            frequency: core::loan::Frequency::Monthly,
            method: core::loan::Method::Reducing,
            overdue_interest: Some(Decimal::new(150, 2)),
        };
        let cutoff = core::settlement::Cutoff {
            date: day,
            cash: Decimal::new(120000, 2),
            bank: Decimal::ZERO,
            revolving_fund: Decimal::ZERO,
            surplus: Decimal::ZERO,
            members: vec![core::settlement::OpeningMember {
                member_no: 7,
                compulsory: Decimal::new(60000, 2),
                voluntary: Decimal::ZERO,
                loans: vec![loan],
            }],
            borrowings: vec![],
        };
        let kotlin: crate::types::Cutoff = FromCore::from_core(cutoff.clone(), "cutoff").unwrap();
        assert_eq!(kotlin.members[0].member_no, 7);
        assert_eq!(kotlin.members[0].loans[0].remaining_term, 10);
        let back: core::settlement::Cutoff = kotlin.into_core("cutoff").unwrap();
        assert_eq!(back, cutoff);
    }

    #[test]
    fn a_negative_number_deep_in_a_record_is_refused_by_its_own_name() {
        let mut member: crate::types::Member = FromCore::from_core(
            daftar_core::Member {
                member_no: 3,
                name: "Sita".into(),
                role: daftar_core::MemberRole::Member,
                phone: None,
                joined_on: chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
                exited_on: None,
            },
            "member",
        )
        .unwrap();
        member.member_no = -3;
        let err = IntoCore::<daftar_core::Member>::into_core(member, "member").unwrap_err();
        assert_eq!(err, Uncrossable::Negative("member_no"));
    }
}
