//! An entry's narration: the person's own words, or what the core says of the
//! entry, kept as facts (which member, loan, meeting) and put into words in
//! English, Hindi or Persian only when a report is read. So a Persian book
//! keeper reads "واریز پس‌انداز، عضو ۳" where an English one reads "Savings
//! deposit, member 3", from the same stored entry.
//!
//! Stored form (`entries.narration`): a person's words as they are; the core's
//! own narrations as fields after a U+001F unit separator, which a person's
//! words never hold (they refuse control characters), so the two never mix.

use crate::catalogue::in_locale;
use crate::error::Result;
use crate::event::{EventBody, MemberCharge};
use crate::locale::LocalFormat;
use crate::org::Locale;

const SEP: char = '\u{1f}';

/// What an entry's narration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Narration {
    /// The words a person typed with a receipt, payment or transfer.
    Words(String),
    Receipt,
    Payment,
    Transfer,
    SavingsDeposit {
        member: u32,
    },
    SavingsWithdrawal {
        member: u32,
    },
    CashDifference {
        meeting: u32,
        reason: String,
    },
    CashDifferenceReversed {
        meeting: u32,
    },
    LoanPaidOut {
        loan: u32,
        member: u32,
    },
    LoanRepaid {
        loan: u32,
    },
    BorrowingRepaid {
        loan: u32,
    },
    LoanWrittenOff {
        loan: u32,
        reason: String,
    },
    /// `source` as the event names it: `cif`, `bank-loan`, `vrf`.
    BorrowingReceived {
        loan: u32,
        source: String,
    },
    MembershipFee {
        member: u32,
    },
    AbsenceFine {
        member: u32,
    },
    Cutoff,
    MemberExit {
        member: u32,
    },
    Reversal {
        entry: u64,
        reason: String,
    },
    /// An entry of a kind with no words of its own: its kind.
    Other {
        kind: String,
    },
}

impl Narration {
    /// The narration of an entry posted by `body`.
    pub(crate) fn of(body: &EventBody) -> Narration {
        use Narration as N;
        match body {
            EventBody::Receipt { narration, .. }
            | EventBody::Payment { narration, .. }
            | EventBody::Transfer { narration, .. }
                if !narration.is_empty() =>
            {
                N::Words(narration.clone())
            }
            EventBody::Receipt { .. } => N::Receipt,
            EventBody::Payment { .. } => N::Payment,
            EventBody::Transfer { .. } => N::Transfer,
            EventBody::SavingsDeposit { member_no, .. } => N::SavingsDeposit { member: *member_no },
            EventBody::SavingsWithdrawal { member_no, .. } => {
                N::SavingsWithdrawal { member: *member_no }
            }
            EventBody::MeetingClosed {
                meeting_no,
                discrepancy_reason,
                ..
            } => N::CashDifference {
                meeting: *meeting_no,
                reason: discrepancy_reason.clone().unwrap_or_default(),
            },
            EventBody::MeetingReopened { meeting_no, .. } => N::CashDifferenceReversed {
                meeting: *meeting_no,
            },
            EventBody::LoanDisbursed {
                loan_no, member_no, ..
            } => N::LoanPaidOut {
                loan: *loan_no,
                member: *member_no,
            },
            EventBody::LoanRepaid {
                loan_no, payable, ..
            } => {
                if *payable {
                    N::BorrowingRepaid { loan: *loan_no }
                } else {
                    N::LoanRepaid { loan: *loan_no }
                }
            }
            EventBody::LoanWrittenOff {
                loan_no, reason, ..
            } => N::LoanWrittenOff {
                loan: *loan_no,
                reason: reason.clone(),
            },
            EventBody::FacilityReceived {
                loan_no, source, ..
            } => N::BorrowingReceived {
                loan: *loan_no,
                source: source.as_str().to_string(),
            },
            EventBody::ChargeCollected {
                member_no, charge, ..
            } => match charge {
                MemberCharge::MembershipFee => N::MembershipFee { member: *member_no },
                MemberCharge::AbsenceFine => N::AbsenceFine { member: *member_no },
            },
            EventBody::CutoffRecorded(_) => N::Cutoff,
            EventBody::MemberExited(x) => N::MemberExit {
                member: x.member_no,
            },
            EventBody::EntryReversed {
                original_seq,
                reason,
                ..
            } => N::Reversal {
                entry: *original_seq,
                reason: reason.clone(),
            },
            other => N::Other {
                kind: other.kind().to_string(),
            },
        }
    }

    /// The form kept in `entries.narration`.
    pub fn to_stored(&self) -> String {
        use Narration as N;
        let fields: Vec<String> = match self {
            N::Words(text) => return text.clone(),
            N::Receipt => vec!["receipt".into()],
            N::Payment => vec!["payment".into()],
            N::Transfer => vec!["transfer".into()],
            N::SavingsDeposit { member } => vec!["deposit".into(), member.to_string()],
            N::SavingsWithdrawal { member } => vec!["withdrawal".into(), member.to_string()],
            N::CashDifference { meeting, reason } => {
                vec![
                    "cash-difference".into(),
                    meeting.to_string(),
                    reason.clone(),
                ]
            }
            N::CashDifferenceReversed { meeting } => {
                vec!["cash-difference-reversed".into(), meeting.to_string()]
            }
            N::LoanPaidOut { loan, member } => {
                vec!["loan-paid-out".into(), loan.to_string(), member.to_string()]
            }
            N::LoanRepaid { loan } => vec!["loan-repaid".into(), loan.to_string()],
            N::BorrowingRepaid { loan } => vec!["borrowing-repaid".into(), loan.to_string()],
            N::LoanWrittenOff { loan, reason } => {
                vec!["written-off".into(), loan.to_string(), reason.clone()]
            }
            N::BorrowingReceived { loan, source } => {
                vec![
                    "borrowing-received".into(),
                    loan.to_string(),
                    source.clone(),
                ]
            }
            N::MembershipFee { member } => vec!["membership-fee".into(), member.to_string()],
            N::AbsenceFine { member } => vec!["absence-fine".into(), member.to_string()],
            N::Cutoff => vec!["cutoff".into()],
            N::MemberExit { member } => vec!["exit".into(), member.to_string()],
            N::Reversal { entry, reason } => {
                vec!["reversal".into(), entry.to_string(), reason.clone()]
            }
            N::Other { kind } => vec!["other".into(), kind.clone()],
        };
        fields.iter().fold(String::new(), |mut s, f| {
            s.push(SEP);
            s.push_str(f);
            s
        })
    }

    /// Reads the stored form back. Text that is not the core's own form is a
    /// person's words, shown as it is.
    pub fn from_stored(stored: &str) -> Narration {
        Self::parse(stored).unwrap_or_else(|| Narration::Words(stored.to_string()))
    }

    fn parse(stored: &str) -> Option<Narration> {
        use Narration as N;
        let rest = stored.strip_prefix(SEP)?;
        let f: Vec<&str> = rest.split(SEP).collect();
        let n = |i: usize| f.get(i)?.parse::<u32>().ok();
        let text = |i: usize| f.get(i).map(|s| s.to_string());
        Some(match (f[0], f.len()) {
            ("receipt", 1) => N::Receipt,
            ("payment", 1) => N::Payment,
            ("transfer", 1) => N::Transfer,
            ("deposit", 2) => N::SavingsDeposit { member: n(1)? },
            ("withdrawal", 2) => N::SavingsWithdrawal { member: n(1)? },
            ("cash-difference", 3) => N::CashDifference {
                meeting: n(1)?,
                reason: text(2)?,
            },
            ("cash-difference-reversed", 2) => N::CashDifferenceReversed { meeting: n(1)? },
            ("loan-paid-out", 3) => N::LoanPaidOut {
                loan: n(1)?,
                member: n(2)?,
            },
            ("loan-repaid", 2) => N::LoanRepaid { loan: n(1)? },
            ("borrowing-repaid", 2) => N::BorrowingRepaid { loan: n(1)? },
            ("written-off", 3) => N::LoanWrittenOff {
                loan: n(1)?,
                reason: text(2)?,
            },
            ("borrowing-received", 3) => N::BorrowingReceived {
                loan: n(1)?,
                source: text(2)?,
            },
            ("membership-fee", 2) => N::MembershipFee { member: n(1)? },
            ("absence-fine", 2) => N::AbsenceFine { member: n(1)? },
            ("cutoff", 1) => N::Cutoff,
            ("exit", 2) => N::MemberExit { member: n(1)? },
            ("reversal", 3) => N::Reversal {
                entry: f[1].parse().ok()?,
                reason: text(2)?,
            },
            ("other", 2) => N::Other { kind: text(1)? },
            _ => return None,
        })
    }

    /// In words, in `fmt`'s locale, with its digits. A person's words and
    /// reasons are shown as they were typed.
    pub fn render(&self, fmt: &LocalFormat) -> String {
        use Narration as N;
        let num = |n: u32| fmt.number(u64::from(n));
        let pick = |en, hi, fa| in_locale(fmt.locale(), en, hi, fa);
        match self {
            N::Words(text) => text.clone(),
            N::Receipt => pick("Receipt".into(), "प्राप्ति".into(), "دریافت".into()),
            N::Payment => pick("Payment".into(), "भुगतान".into(), "پرداخت".into()),
            N::Transfer => pick(
                "Transfer between cash and bank".into(),
                "नकद और बैंक के बीच अंतरण".into(),
                "انتقال میان صندوق و بانک".into(),
            ),
            N::SavingsDeposit { member } => {
                let m = num(*member);
                pick(
                    format!("Savings deposit, member {m}"),
                    format!("बचत जमा, सदस्य {m}"),
                    format!("واریز پس‌انداز، عضو {m}"),
                )
            }
            N::SavingsWithdrawal { member } => {
                let m = num(*member);
                pick(
                    format!("Savings withdrawal, member {m}"),
                    format!("बचत निकासी, सदस्य {m}"),
                    format!("برداشت پس‌انداز، عضو {m}"),
                )
            }
            N::CashDifference { meeting, reason } => {
                let n = num(*meeting);
                pick(
                    format!("Cash difference at meeting {n}: {reason}"),
                    format!("बैठक {n} में नकद अंतर: {reason}"),
                    format!("اختلاف صندوق در جلسه {n}: {reason}"),
                )
            }
            N::CashDifferenceReversed { meeting } => {
                let n = num(*meeting);
                pick(
                    format!("Reversal of the cash difference of meeting {n}, reopened"),
                    format!("बैठक {n} फिर खुली: नकद अंतर उलटा गया"),
                    format!("برگشت اختلاف صندوق جلسه {n}، بازگشایی‌شده"),
                )
            }
            N::LoanPaidOut { loan, member } => {
                let (l, m) = (num(*loan), num(*member));
                pick(
                    format!("Loan {l} paid out to member {m}"),
                    format!("ऋण {l} सदस्य {m} को दिया गया"),
                    format!("پرداخت وام {l} به عضو {m}"),
                )
            }
            N::LoanRepaid { loan } => {
                let l = num(*loan);
                pick(
                    format!("Repayment of loan {l}"),
                    format!("ऋण {l} की वापसी"),
                    format!("بازپرداخت وام {l}"),
                )
            }
            N::BorrowingRepaid { loan } => {
                let l = num(*loan);
                pick(
                    format!("Repayment of borrowing {l}"),
                    format!("उधार {l} की वापसी"),
                    format!("بازپرداخت تسهیلات دریافتی {l}"),
                )
            }
            N::LoanWrittenOff { loan, reason } => {
                let l = num(*loan);
                pick(
                    format!("Loan {l} written off: {reason}"),
                    format!("ऋण {l} बट्टे खाते में: {reason}"),
                    format!("سوخت وام {l}: {reason}"),
                )
            }
            N::BorrowingReceived { loan, source } => {
                let l = num(*loan);
                let s = source_name(source, fmt.locale());
                pick(
                    format!("Borrowing {l} received ({s})"),
                    format!("उधार {l} प्राप्त ({s})"),
                    format!("دریافت تسهیلات {l} ({s})"),
                )
            }
            N::MembershipFee { member } => {
                let m = num(*member);
                pick(
                    format!("Membership fee from member {m}"),
                    format!("सदस्य {m} से सदस्यता शुल्क"),
                    format!("حق عضویت از عضو {m}"),
                )
            }
            N::AbsenceFine { member } => {
                let m = num(*member);
                pick(
                    format!("Absence fine from member {m}"),
                    format!("सदस्य {m} से अनुपस्थिति जुर्माना"),
                    format!("جریمه غیبت از عضو {m}"),
                )
            }
            N::Cutoff => pick(
                "Opening balances at cut-off from the paper books".into(),
                "कागज़ी बहियों से कट-ऑफ़ पर प्रारंभिक शेष".into(),
                "مانده‌های آغاز دوره از دفترهای کاغذی".into(),
            ),
            N::MemberExit { member } => {
                let m = num(*member);
                pick(
                    format!("Exit settlement of member {m}"),
                    format!("सदस्य {m} का निकास निपटान"),
                    format!("تسویه خروج عضو {m}"),
                )
            }
            N::Reversal { entry, reason } => {
                let e = fmt.number(*entry);
                pick(
                    format!("Reversal of entry {e}: {reason}"),
                    format!("प्रविष्टि {e} का उलटाव: {reason}"),
                    format!("برگشت ثبت {e}: {reason}"),
                )
            }
            N::Other { kind } => kind.clone(),
        }
    }
}

/// Stored narrations into words, in one language.
pub(crate) struct Narrator(LocalFormat);

impl Narrator {
    pub(crate) fn new(locale: Locale) -> Result<Narrator> {
        Ok(Narrator(LocalFormat::new(locale)?))
    }

    pub(crate) fn say(&self, stored: &str) -> String {
        Narration::from_stored(stored).render(&self.0)
    }
}

/// Where a borrowing came from, in words.
fn source_name(source: &str, locale: Locale) -> &str {
    let (en, hi, fa) = match source {
        "cif" => ("CIF", "सीआईएफ", "صندوق سرمایه‌گذاری اجتماعی"),
        "bank-loan" => ("bank loan", "बैंक ऋण", "وام بانکی"),
        "vrf" => ("VRF", "वीआरएफ", "صندوق کاهش آسیب‌پذیری"),
        other => return other,
    };
    in_locale(locale, en, hi, fa)
}

#[cfg(test)]
mod tests;
