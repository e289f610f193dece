//! How a Panchasutra norm's score was computed, kept as figures and put into
//! words in the organisation's language (or the one asked) with its digits and
//! calendar, so a Persian fund's grading reads Persian.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::catalogue::in_locale;
use crate::error::Result;
use crate::loan::Frequency;
use crate::locale::LocalFormat;
use crate::org::Locale;

/// The figures behind one norm's score.
pub(crate) enum Basis {
    Meetings {
        held: i64,
        due: i64,
        every: Frequency,
        days: i64,
    },
    NoSavingsSet,
    Savings {
        paid: Decimal,
        owed: Decimal,
    },
    Lending {
        borrowers: usize,
        active: i64,
    },
    NothingDue,
    Repayment {
        met: Decimal,
        due: Decimal,
    },
    NoMeetingClosed,
    LastClosed {
        on: NaiveDate,
        days_before_end: i64,
    },
}

impl Basis {
    pub(crate) fn render(&self, fmt: &LocalFormat) -> Result<String> {
        let n = |v: i64| fmt.number(v.unsigned_abs());
        let pick = |en, hi, fa| in_locale(fmt.locale(), en, hi, fa);
        Ok(match self {
            Basis::Meetings {
                held,
                due,
                every,
                days,
            } => {
                let (held, due, days) = (n(*held), n(*due), n(*days));
                let every = frequency(*every, fmt.locale());
                pick(
                    format!("{held} meetings held of {due} due ({every}, over {days} days)"),
                    format!("{due} में से {held} बैठकें हुईं ({every}, {days} दिनों में)"),
                    format!("{held} جلسه از {due} جلسهٔ لازم برگزار شد ({every}، در {days} روز)"),
                )
            }
            Basis::NoSavingsSet => pick(
                "no compulsory savings are set by the policy; full marks".into(),
                "नीति में अनिवार्य बचत तय नहीं है; पूरे अंक".into(),
                "سیاست گروه پس‌انداز اجباری تعیین نکرده است؛ امتیاز کامل".into(),
            ),
            Basis::Savings { paid, owed } => {
                let (paid, owed) = (fmt.amount(*paid), fmt.amount(*owed));
                pick(
                    format!("{paid} of {owed} compulsory savings paid"),
                    format!("{owed} अनिवार्य बचत में से {paid} जमा हुई"),
                    format!("{paid} از {owed} پس‌انداز اجباری پرداخت شد"),
                )
            }
            Basis::Lending { borrowers, active } => {
                let (b, a) = (n(*borrowers as i64), n(*active));
                pick(
                    format!("{b} of {a} members borrowed in the period"),
                    format!("{a} में से {b} सदस्यों ने इस अवधि में ऋण लिया"),
                    format!("{b} از {a} عضو در این دوره وام گرفتند"),
                )
            }
            Basis::NothingDue => pick(
                "no instalments fell due in the period; full marks".into(),
                "इस अवधि में कोई किस्त देय नहीं थी; पूरे अंक".into(),
                "در این دوره قسطی سررسید نشد؛ امتیاز کامل".into(),
            ),
            Basis::Repayment { met, due } => {
                let (met, due) = (fmt.amount(*met), fmt.amount(*due));
                pick(
                    format!("{met} of {due} due in the period repaid by its end"),
                    format!("अवधि में देय {due} में से {met} अवधि के अंत तक चुकाया गया"),
                    format!("{met} از {due} سررسید دوره تا پایان آن بازپرداخت شد"),
                )
            }
            Basis::NoMeetingClosed => pick(
                "no meeting has been closed".into(),
                "कोई बैठक बंद नहीं हुई".into(),
                "هیچ جلسه‌ای بسته نشده است".into(),
            ),
            Basis::LastClosed {
                on,
                days_before_end,
            } => {
                let (d, days) = (fmt.date(*on)?, n(*days_before_end));
                pick(
                    format!("the latest closed meeting is {d}, {days} days before the period end"),
                    format!("अंतिम बंद बैठक {d} को, अवधि के अंत से {days} दिन पहले"),
                    format!("آخرین جلسهٔ بسته‌شده {d}، {days} روز پیش از پایان دوره"),
                )
            }
        })
    }
}

fn frequency(f: Frequency, locale: Locale) -> &'static str {
    let (en, hi, fa) = match f {
        Frequency::Weekly => ("weekly", "साप्ताहिक", "هفتگی"),
        Frequency::Fortnightly => ("fortnightly", "पाक्षिक", "دوهفته‌ای"),
        Frequency::Monthly => ("monthly", "मासिक", "ماهانه"),
    };
    in_locale(locale, en, hi, fa)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_basis() -> Vec<Basis> {
        vec![
            Basis::Meetings {
                held: 11,
                due: 12,
                every: Frequency::Monthly,
                days: 366,
            },
            Basis::NoSavingsSet,
            Basis::Savings {
                paid: Decimal::new(1_760_000, 0),
                owed: Decimal::new(1_800_000, 0),
            },
            Basis::Lending {
                borrowers: 8,
                active: 9,
            },
            Basis::NothingDue,
            Basis::Repayment {
                met: Decimal::new(11200, 2),
                due: Decimal::new(22400, 2),
            },
            Basis::NoMeetingClosed,
            Basis::LastClosed {
                on: NaiveDate::from_ymd_opt(2025, 3, 20).unwrap_or_default(),
                days_before_end: 11,
            },
        ]
    }

    #[test]
    fn a_norms_workings_read_in_hindi_and_persian_with_their_own_digits() {
        for locale in [Locale::HiIn, Locale::FaIr] {
            let fmt = LocalFormat::new(locale).unwrap();
            for b in every_basis() {
                let text = b.render(&fmt).unwrap();
                assert!(
                    !text.chars().any(|c| c.is_ascii_alphanumeric()),
                    "{locale:?}: {text}"
                );
            }
        }
        let en = LocalFormat::new(Locale::EnIn).unwrap();
        assert_eq!(
            every_basis()[0].render(&en).unwrap(),
            "11 meetings held of 12 due (monthly, over 366 days)"
        );
        assert_eq!(
            every_basis()[2].render(&en).unwrap(),
            "17,60,000 of 18,00,000 compulsory savings paid"
        );
    }
}
