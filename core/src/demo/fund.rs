//! The demo qard al-hasan fund's year of monthly meetings in Iran: savings,
//! interest-free loans with a service fee taken at payout, and their repayments.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::shg::repayments;
use super::{date, Gen, PERSIAN_NAMES};
use crate::commands::{SavingsEntry, Via, Voucher};
use crate::error::Result;
use crate::event::SavingsFund;
use crate::lending::{LoanRequest, LoanStatus};
use crate::loan::{Frequency, Method, RatePeriod};
use crate::member::{MemberRole, NewMember};
use crate::money::{Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, NewOrganisation, OrgKind};
use crate::policy::{Policy, Withdrawals};

/// The book keeper of the demo fund.
const FUND_KEEPER: &str = "hesabdar-maryam";

pub(super) fn fund_year(g: &mut Gen<'_>) -> Result<Uuid> {
    let start = date(2024, 3, 20)?; // 1 Farvardin 1403
    let org = set_up_fund(g, start)?;
    for month in 0..12i64 {
        fund_month(g, org, start + Duration::days(30 * month + 2))?;
    }
    Ok(org)
}

/// The fund with its policy, its approver, its members and its founders' capital.
fn set_up_fund(g: &mut Gen<'_>, start: NaiveDate) -> Result<Uuid> {
    let org = g.uuid();
    let keeper = FUND_KEEPER;
    let policy = Policy {
        meeting_frequency: Frequency::Monthly,
        compulsory_savings: 2_000_000,
        withdrawals: Withdrawals::VoluntaryOnly,
        ..Policy::default()
    };
    g.set_up_org(
        keeper,
        NewOrganisation {
            id: org,
            kind: OrgKind::Fund,
            name: "صندوق قرض‌الحسنه امید".into(),
            currency: Currency::new("IRR", None)?,
            calendar: Calendar::Persian,
            fiscal_year_start: FiscalYearStart { month: 1, day: 1 },
            locale: Locale::FaIr,
            rounding: RoundingRule::parse("half-up/whole")?,
            opened_on: start,
        },
        policy,
    )?;
    for (i, name) in PERSIAN_NAMES.iter().enumerate() {
        let m = g.meta(keeper, start);
        let phone = Some(format!("0912{:07}", g.rng.u32(0..10_000_000)));
        let role = match i {
            0 => MemberRole::President,
            1 => MemberRole::Treasurer,
            _ => MemberRole::Member,
        };
        let new = NewMember {
            member_no: None,
            name: (*name).into(),
            role,
            phone,
            joined_on: start,
        };
        g.run(g.book.add_member(&m, org, new))?;
    }
    let m = g.meta(keeper, start);
    let capital = Voucher {
        date: start,
        via: Via::Bank,
        account: "3100".into(),
        amount: Decimal::from(500_000_000),
        narration: "سرمایه مؤسسان".into(),
    };
    g.run(g.book.record_receipt(&m, org, capital))?;
    Ok(org)
}

/// One monthly meeting of the fund: savings, repayments, two interest-free loans
/// with a 4% service fee taken at payout, then the office's costs and, each
/// quarter, the bank's interest.
fn fund_month(g: &mut Gen<'_>, org: Uuid, day: NaiveDate) -> Result<()> {
    let keeper = FUND_KEEPER;
    let m = g.meta(keeper, day);
    let meeting = g
        .run(g.book.open_meeting(&m, org, day))?
        .number
        .unwrap_or_default();
    let members: Vec<u32> = (1..=PERSIAN_NAMES.len() as u32).collect();
    for &no in &members {
        let m = g.meta(keeper, day);
        g.run(g.book.mark_attendance(&m, org, meeting, no, true))?;
        let deposit = |g: &mut Gen<'_>, amount: Decimal, fund: SavingsFund| {
            let m = g.meta(keeper, day);
            let entry = SavingsEntry {
                date: day,
                member_no: no,
                via: Via::Bank,
                amount,
                fund,
            };
            g.run(g.book.deposit_savings(&m, org, entry))
        };
        deposit(g, Decimal::from(2_000_000), SavingsFund::Compulsory)?;
        if g.rng.bool() {
            let amount = Decimal::from(g.rng.i64(5..50) * 100_000);
            deposit(g, amount, SavingsFund::Voluntary)?;
        }
    }
    repayments(g, org, keeper, day, &members, Via::Bank)?;
    for _ in 0..2 {
        if !fund_loan(g, org, &members, day)? {
            break;
        }
    }
    let m = g.meta(keeper, day);
    let cash = g.book.balance(org, "1100")?;
    g.run(g.book.close_meeting(&m, org, meeting, cash, None))?;
    let m = g.meta(keeper, day);
    let amount = Decimal::from(g.rng.i64(20..60) * 100_000);
    let costs = Voucher {
        date: day,
        via: Via::Bank,
        account: "5300".into(),
        amount,
        narration: "هزینه دفتر".into(),
    };
    g.run(g.book.record_payment(&m, org, costs))?;
    if day.month().is_multiple_of(3) {
        let m = g.meta(keeper, day);
        let amount = Decimal::from(g.rng.i64(10..30) * 1_000_000);
        let interest = Voucher {
            date: day,
            via: Via::Bank,
            account: "4400".into(),
            amount,
            narration: "سود سپرده بانکی".into(),
        };
        g.run(g.book.record_receipt(&m, org, interest))?;
    }
    Ok(())
}

/// Lends to a member without a loan, if there is one and the bank has the
/// money; false when no loan could be made.
fn fund_loan(g: &mut Gen<'_>, org: Uuid, members: &[u32], day: NaiveDate) -> Result<bool> {
    let busy: Vec<u32> = g
        .book
        .loans(org)?
        .iter()
        .filter(|l| l.status == LoanStatus::Active)
        .filter_map(|l| l.member_no)
        .collect();
    let free: Vec<u32> = members
        .iter()
        .copied()
        .filter(|n| !busy.contains(n))
        .collect();
    if free.is_empty() {
        return Ok(false);
    }
    let no = free[g.rng.usize(0..free.len())];
    let principal = Decimal::from(g.rng.i64(5..15) * 10_000_000);
    if g.book.balance(org, "1200")? < principal {
        return Ok(false);
    }
    let req = LoanRequest {
        principal,
        rate: Decimal::from(4),
        rate_period: RatePeriod::Year,
        term: 10,
        frequency: Frequency::Monthly,
        method: Method::FeeDeducted,
        reference: None,
    };
    let m = g.meta(FUND_KEEPER, day);
    g.run_steps(g.book.sanction_loan(&m, org, no, day, req, Via::Bank), 3)?;
    Ok(true)
}
