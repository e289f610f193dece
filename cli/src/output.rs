//! Plain-text tables for the terminal.

use daftar_core::meetings::Meeting;
use daftar_core::queries::AccountBalance;
use daftar_core::verify::ChainStatus;
use daftar_core::{event::hex, Book, Error, Member, Organisation};
use rust_decimal::Decimal;

/// Text for a terminal, with every control character but newline and tab escaped
/// as `\u00XX`, so that names read from a forged book cannot send escape
/// sequences to a support person's terminal. JSON stays valid: the escape is JSON's.
pub fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One value shown inside a message: every control character escaped, newlines too.
pub fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Pads to a width in characters (not bytes), so Devanagari and Persian line up roughly.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

fn rpad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

/// "Savings of member 3 सुनीता यादव" for a sub-ledger, the plain name otherwise.
fn account_name(name: &str, member_no: Option<u32>, member: Option<&str>) -> String {
    match member_no {
        Some(no) => format!("{name} {no} {}", member.unwrap_or("")),
        None => name.to_string(),
    }
}

pub fn orgs(list: &[Organisation]) -> String {
    let mut out = String::new();
    for o in list {
        out += &format!(
            "{}  {:<4}  {}  {:<5}  {}\n",
            o.id,
            o.kind.as_str(),
            o.currency.code,
            o.locale.as_str(),
            o.name
        );
    }
    out
}

pub fn members(list: &[Member]) -> String {
    let mut out = String::new();
    for m in list {
        let exited = m
            .exited_on
            .map(|d| format!("  exited {d}"))
            .unwrap_or_default();
        out += &format!(
            "{:>4}  {}  {:<9}  joined {}{}  {}\n",
            m.member_no,
            pad(&m.name, 24),
            m.role.as_str(),
            m.joined_on,
            exited,
            m.phone.as_deref().unwrap_or("")
        );
    }
    out
}

fn side(balance: Decimal) -> String {
    if balance >= Decimal::ZERO {
        format!("{balance} Dr")
    } else {
        format!("{} Cr", -balance)
    }
}

pub fn org_summary(
    o: &Organisation,
    members: usize,
    accounts: &[AccountBalance],
    seq: u64,
    hash: &str,
) -> String {
    let mut out = format!(
        "{} ({}, {}, {}, {} calendar)\n  id {}\n  {} members\n  balances:\n",
        o.name,
        o.kind.as_str(),
        o.currency.code,
        o.locale.as_str(),
        o.calendar.as_str(),
        o.id,
        members
    );
    for a in accounts.iter().filter(|a| !a.balance.is_zero()) {
        out += &format!(
            "    {:<10} {} {}\n",
            a.code,
            pad(
                &account_name(&a.name, a.member_no, a.member_name.as_deref()),
                44
            ),
            rpad(&side(a.balance), 22)
        );
    }
    out += &format!("  chain head: seq {seq}, hash {}\n", &hash[..16]);
    out
}

pub fn chain_line(c: &ChainStatus) -> String {
    let name = c
        .org_name
        .as_deref()
        .unwrap_or("(organisation row missing)");
    match &c.problem {
        None => format!(
            "ok        {}  {}: {} events, chain and replay verified, head seq {} hash {}",
            c.org_id,
            name,
            c.events,
            c.head_seq,
            &hex(&c.head_hash)[..16]
        ),
        Some(p) => format!(
            "TAMPERED  {}  {}: seq {}: {}",
            c.org_id, name, p.seq, p.reason
        ),
    }
}

pub fn meetings(list: &[Meeting]) -> String {
    let mut out = String::new();
    for m in list {
        let diff = if m.discrepancy.is_zero() {
            String::new()
        } else {
            format!(
                "  cash difference {} ({})",
                m.discrepancy,
                m.discrepancy_reason.as_deref().unwrap_or("")
            )
        };
        out += &format!(
            "{:>4}  {}  {:<6}  present {:>2}  absent {:>2}  entries {:>3}{}\n",
            m.meeting_no,
            m.held_on,
            format!("{:?}", m.status).to_lowercase(),
            m.present.len(),
            m.absent.len(),
            m.entries.len(),
            diff
        );
    }
    out
}

pub fn loans(book: &Book, org: uuid::Uuid, as_of: chrono::NaiveDate) -> Result<String, Error> {
    let mut out = format!(
        "{:>4}  {:<10}  {:<6}  {:<11}  {:>12}  {:>12}  {:>10}  {:>4}\n",
        "loan", "source", "member", "status", "principal", "outstanding", "arrears", "dpd"
    );
    for l in book.loans(org)? {
        let st = book.loan_standing(org, l.loan_no, as_of)?;
        let scale = book.organisation(org)?.currency.scale;
        out += &format!(
            "{:>4}  {:<10}  {:<6}  {:<11}  {:>12}  {:>12}  {:>10}  {:>4}\n",
            l.loan_no,
            l.source,
            l.member_no.map(|m| m.to_string()).unwrap_or_default(),
            format!("{:?}", l.status).to_lowercase(),
            daftar_core::money::from_minor(l.terms.principal, scale),
            st.outstanding_principal,
            st.arrears,
            st.days_past_due
        );
    }
    Ok(out)
}

pub fn corrections(list: &[daftar_core::corrections::Correction]) -> String {
    let mut out = String::new();
    for c in list {
        out += &format!(
            "request {:>5}  reverses {:>5}  {:<8}  maker {}  checker {}  {}\n",
            c.request_seq,
            c.original_seq,
            format!("{:?}", c.status).to_lowercase(),
            c.maker,
            c.checker.as_deref().unwrap_or("-"),
            c.reason
        );
    }
    out
}
