//! A member's passbook as a short message, in her group's language, for the
//! share sheet (SMS, WhatsApp): her latest entries and what she holds and
//! owes. Words come from the catalogue and narrations from `narration.rs`, so
//! the message says what the passbook screen and the CLI say.

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Passbook, Period};
use crate::book::Book;
use crate::catalogue::name;
use crate::error::{Error, Result};
use crate::locale::LocalFormat;
use crate::money::Currency;
use crate::org::Locale;

/// The most entries a message lists: an SMS is short.
pub const MAX_MESSAGE_LINES: u32 = 20;

impl Book {
    /// `member_no`'s passbook over `p` as a message of her latest `lines`
    /// entries (at most [`MAX_MESSAGE_LINES`]) and her closing balances, in the
    /// organisation's language (or the one asked with `read_in`).
    pub fn passbook_message(
        &self,
        org: Uuid,
        member_no: u32,
        p: Period,
        lines: u32,
    ) -> Result<String> {
        if lines > MAX_MESSAGE_LINES {
            return Err(Error::invalid(
                "lines",
                format!("at most {MAX_MESSAGE_LINES} entries fit a message"),
            ));
        }
        let o = self.organisation(org)?;
        let locale = self.asked_words().unwrap_or(o.locale);
        let fmt = LocalFormat::new(locale)?;
        let book = self.passbook(org, member_no, p)?;
        message(&o.name, &o.currency, &fmt, &book, lines as usize)
    }
}

fn message(
    group: &str,
    currency: &Currency,
    fmt: &LocalFormat,
    p: &Passbook,
    lines: usize,
) -> Result<String> {
    let l = fmt.locale();
    let money = |d: Decimal| money(d, currency, fmt);
    let mut out = format!(
        "{group}\n{}: {} {}\n{} – {}\n",
        name("Passbook", l),
        fmt.number(u64::from(p.member_no)),
        p.member_name,
        fmt.date(p.period.from)?,
        fmt.date(p.period.to)?,
    );
    let skip = p.lines.len().saturating_sub(lines);
    for line in &p.lines[skip..] {
        let (word, amount) = if line.received > Decimal::ZERO {
            ("received", line.received)
        } else {
            ("paid", line.paid)
        };
        out.push_str(&format!("{} {}", fmt.date(line.date)?, line.narration));
        if amount > Decimal::ZERO {
            out.push_str(&format!(" · {} {}", name(word, l), money(amount)));
        }
        out.push('\n');
    }
    for (word, figure) in [
        ("compulsory bal", p.closing_compulsory),
        ("voluntary bal", p.closing_voluntary),
        ("loan bal", p.closing_loan),
    ] {
        out.push_str(&format!("{}: {}\n", name(word, l), money(figure)));
    }
    Ok(out)
}

/// Money as the message's reader writes it: ₹ before rupees, ریال after
/// rials in Persian, the currency's code after anything else.
fn money(d: Decimal, currency: &Currency, fmt: &LocalFormat) -> String {
    let figure = fmt.amount(d);
    match (currency.code.as_str(), fmt.locale()) {
        ("INR", _) => format!("₹{figure}"),
        ("IRR", Locale::FaIr) => format!("{figure} ریال"),
        (code, _) => format!("{figure} {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn demo_book() -> (tempfile::TempDir, Book) {
        let dir = tempfile::tempdir().unwrap();
        let book = Book::open(dir.path().join("m.daftar")).unwrap();
        demo::build(&book, 1, &mut |_, _| true).unwrap();
        (dir, book)
    }

    #[test]
    fn a_persian_members_passbook_message_is_all_persian_and_short() {
        let (_d, book) = demo_book();
        let fund = book
            .organisations()
            .unwrap()
            .into_iter()
            .find(|o| o.locale == Locale::FaIr)
            .unwrap();
        let year = Period {
            from: fund.opened_on,
            to: book.last_business_date(fund.id).unwrap(),
        };
        let text = book.passbook_message(fund.id, 1, year, 5).unwrap();
        assert!(!text.chars().any(|c| c.is_ascii_alphanumeric()), "{text}");
        assert!(
            text.contains("ریال") && text.contains("واریز پس‌انداز"),
            "{text}"
        );
        // Title, member, period, five entries, three balances.
        assert_eq!(text.lines().count(), 3 + 5 + 3, "{text}");
        let full = book.passbook(fund.id, 1, year).unwrap();
        let loan = LocalFormat::new(Locale::FaIr)
            .unwrap()
            .amount(full.closing_loan);
        assert!(text.contains(&loan), "{text}");
        // Asked in English, the same passbook reads English.
        book.read_in(Some(Locale::EnIn));
        let en = book.passbook_message(fund.id, 1, year, 5).unwrap();
        assert!(
            en.contains("Savings deposit, member 1") && en.contains("IRR"),
            "{en}"
        );
        assert!(book.passbook_message(fund.id, 1, year, 21).is_err());
    }
}
