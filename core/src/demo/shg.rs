//! A demo SHG's year of weekly meetings: attendance, savings and fines, loans
//! sanctioned and repaid (some late), one member's exit, a short count, and the
//! month's banking.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{d, Gen, DEMO_APPROVER, HINDI_NAMES};
use crate::commands::{SavingsEntry, Via, Voucher};
use crate::error::{Error, Result};
use crate::event::{MemberCharge, SavingsFund};
use crate::lending::{LoanRequest, LoanStatus, Repayment};
use crate::loan::{Frequency, LatePenalty, Method, RatePeriod};
use crate::member::{MemberRole, NewMember};
use crate::money::{Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, NewOrganisation, OrgKind};
use crate::policy::{Policy, Withdrawals};
use crate::settlement::ChargeEntry;

/// The book keeper of every demo SHG.
const SHG_KEEPER: &str = "bookkeeper-asha";

pub(super) fn shg_year(
    g: &mut Gen<'_>,
    name: &str,
    members: usize,
    locale: Locale,
    weeks: i64,
    start: NaiveDate,
) -> Result<Uuid> {
    let org = set_up_shg(g, name, members, locale, start)?;
    let mut shg = ShgWeeks {
        g,
        org,
        keeper: SHG_KEEPER,
        members,
        // The last member leaves in the tenth month.
        leaver: members as u32,
        exited: false,
    };
    for week in 0..weeks {
        shg.week(week, start + Duration::weeks(week))?;
    }
    Ok(org)
}

/// The SHG with its policy, its approver and its members.
fn set_up_shg(
    g: &mut Gen<'_>,
    name: &str,
    members: usize,
    locale: Locale,
    start: NaiveDate,
) -> Result<Uuid> {
    let org = g.uuid();
    let policy = Policy {
        compulsory_savings: 5000,
        late_penalty: LatePenalty::Fixed { amount: 1000 },
        grace_days: 3,
        absence_fine: 1000,
        withdrawals: Withdrawals::VoluntaryOnly,
        ..Policy::default()
    };
    g.set_up_org(
        SHG_KEEPER,
        NewOrganisation {
            id: org,
            kind: OrgKind::Shg,
            name: name.into(),
            currency: Currency::new("INR", None)?,
            calendar: Calendar::Gregorian,
            fiscal_year_start: FiscalYearStart { month: 4, day: 1 },
            locale,
            rounding: RoundingRule::default(),
            opened_on: start,
        },
        policy,
    )?;
    let offset = g.rng.usize(0..HINDI_NAMES.len());
    for i in 0..members {
        let role = [
            MemberRole::President,
            MemberRole::Secretary,
            MemberRole::Treasurer,
        ]
        .get(i)
        .copied()
        .unwrap_or(MemberRole::Member);
        let phone = (g.rng.u8(0..3) > 0).then(|| format!("9{:09}", g.rng.u32(0..1_000_000_000)));
        let m = g.meta(SHG_KEEPER, start);
        let new = NewMember {
            member_no: None,
            name: HINDI_NAMES[(offset + i) % HINDI_NAMES.len()].into(),
            role,
            phone,
            joined_on: start,
        };
        g.run(g.book.add_member(&m, org, new))?;
    }
    Ok(org)
}

/// An SHG's weekly meetings, with what carries from one week to the next.
struct ShgWeeks<'g, 'a> {
    g: &'g mut Gen<'a>,
    org: Uuid,
    keeper: &'static str,
    members: usize,
    leaver: u32,
    exited: bool,
}

impl ShgWeeks<'_, '_> {
    /// One week: the meeting from opening to closing, then the errands after it.
    fn week(&mut self, week: i64, day: NaiveDate) -> Result<()> {
        let m = self.g.meta(self.keeper, day);
        let meeting = self
            .g
            .run(self.g.book.open_meeting(&m, self.org, day))?
            .number
            .unwrap_or_default();
        let present = self.attendance(meeting, day)?;
        for &no in &present {
            self.savings_and_fines(no, day)?;
        }
        if week == 0 {
            self.membership_fees(&present, day)?;
        }
        repayments(self.g, self.org, self.keeper, day, &present, Via::Cash)?;
        // From the second month, a member without a loan borrows every other week.
        if week >= 4 && week % 2 == 0 {
            self.lend(week, &present, day)?;
        }
        // She leaves at week 40, or at the first meeting after it at which the
        // group can pay out her savings.
        if week >= 40 && !self.exited {
            self.exit_leaver(day)?;
        }
        self.close(week, meeting, day)?;
        if week % 4 == 3 {
            self.month_end(day)?;
        }
        if week == 12 {
            self.voucher(
                day,
                true,
                (Via::Bank, "3100"),
                Decimal::from(15000),
                "Revolving Fund from the SRLM",
            )?;
        }
        if week % 13 == 12 {
            let interest = d(self.g.rng.i64(5000..20000), 2);
            self.voucher(
                day,
                true,
                (Via::Bank, "4400"),
                interest,
                "Savings bank interest",
            )?;
            self.voucher(day, false, (Via::Bank, "5100"), d(1180, 2), "SMS charges")?;
        }
        Ok(())
    }

    /// Marks every member still in the group; about one in ten is away.
    fn attendance(&mut self, meeting: u32, day: NaiveDate) -> Result<Vec<u32>> {
        let mut present = Vec::new();
        for no in 1..=self.members as u32 {
            if self.exited && no == self.leaver {
                continue;
            }
            let here = self.g.rng.u8(0..10) > 0;
            let m = self.g.meta(self.keeper, day);
            self.g
                .run(self.g.book.mark_attendance(&m, self.org, meeting, no, here))?;
            if here {
                present.push(no);
            }
        }
        Ok(present)
    }

    /// A present member's compulsory savings, sometimes voluntary savings too,
    /// and any fines for meetings she missed.
    fn savings_and_fines(&mut self, no: u32, day: NaiveDate) -> Result<()> {
        self.deposit(no, day, d(5000, 2), SavingsFund::Compulsory)?;
        if self.g.rng.u8(0..4) == 0 {
            let amount = d(self.g.rng.i64(2..10) * 1000, 2);
            self.deposit(no, day, amount, SavingsFund::Voluntary)?;
        }
        let fines = self
            .g
            .book
            .member_dues(self.org, no, day)?
            .absence_fines_due;
        if !fines.is_zero() {
            self.charge(no, day, MemberCharge::AbsenceFine, fines)?;
        }
        Ok(())
    }

    fn membership_fees(&mut self, present: &[u32], day: NaiveDate) -> Result<()> {
        for &no in present {
            self.charge(no, day, MemberCharge::MembershipFee, d(5000, 2))?;
        }
        Ok(())
    }

    fn deposit(
        &mut self,
        no: u32,
        day: NaiveDate,
        amount: Decimal,
        fund: SavingsFund,
    ) -> Result<()> {
        let m = self.g.meta(self.keeper, day);
        let entry = SavingsEntry {
            date: day,
            member_no: no,
            via: Via::Cash,
            amount,
            fund,
        };
        self.g
            .run(self.g.book.deposit_savings(&m, self.org, entry))?;
        Ok(())
    }

    fn charge(
        &mut self,
        no: u32,
        day: NaiveDate,
        charge: MemberCharge,
        amount: Decimal,
    ) -> Result<()> {
        let m = self.g.meta(self.keeper, day);
        let entry = ChargeEntry {
            date: day,
            member_no: no,
            charge,
            via: Via::Cash,
            amount,
        };
        self.g
            .run(self.g.book.collect_charge(&m, self.org, entry))?;
        Ok(())
    }

    /// A present member without a loan borrows, if the group has the money.
    fn lend(&mut self, week: i64, present: &[u32], day: NaiveDate) -> Result<()> {
        let (g, org) = (&mut *self.g, self.org);
        // Loans are sanctioned in one meeting, so the members with an active
        // loan are the busy ones.
        let busy: Vec<u32> = g
            .book
            .active_loans(org)?
            .iter()
            .filter_map(|l| l.member_no)
            .collect();
        let free: Vec<u32> = present
            .iter()
            .copied()
            .filter(|n| !busy.contains(n))
            .filter(|n| *n != self.leaver || week < 36)
            .collect();
        if free.is_empty() {
            return Ok(());
        }
        let no = free[g.rng.usize(0..free.len())];
        let principal = d(g.rng.i64(4..20) * 50_000, 2);
        // The group lends only what it has, from cash or else from the bank.
        let via = if g.book.balance(org, "1100")? >= principal {
            Via::Cash
        } else if g.book.balance(org, "1200")? >= principal {
            Via::Bank
        } else {
            return Ok(());
        };
        let (rate, period, method) = if g.rng.bool() {
            (Decimal::from(2), RatePeriod::Month, Method::Flat)
        } else {
            (Decimal::from(24), RatePeriod::Year, Method::Reducing)
        };
        let req = LoanRequest {
            principal,
            rate,
            rate_period: period,
            term: [6, 10, 12][g.rng.usize(0..3)],
            frequency: Frequency::Monthly,
            method,
            reference: None,
        };
        let m = g.meta(self.keeper, day);
        g.run_steps(g.book.sanction_loan(&m, org, no, day, req, via), 3)?;
        Ok(())
    }

    /// Settles the leaver's loans and pays out her savings: arrears are written
    /// off by the approver; a loan larger than her savings she repays in cash.
    /// If the group cannot pay her out yet, she stays a member for now.
    fn exit_leaver(&mut self, day: NaiveDate) -> Result<()> {
        let (g, org, keeper, leaver) = (&mut *self.g, self.org, self.keeper, self.leaver);
        let held = -(g
            .book
            .balance(org, &crate::chart::member_account("2100", leaver))?
            + g.book
                .balance(org, &crate::chart::member_account("2110", leaver))?);
        let mut owed = Decimal::ZERO;
        for l in g.book.member_loans(org, leaver)? {
            if l.status != LoanStatus::Active {
                continue;
            }
            let st = g.book.loan_standing(org, l.loan_no, day)?;
            if !st.arrears.is_zero() {
                let m = g.meta(DEMO_APPROVER, day);
                g.run(g.book.write_off_loan(
                    &m,
                    org,
                    l.loan_no,
                    day,
                    "left the village; arrears written off by the group",
                ))?;
            } else if owed + st.payable_now > held {
                let m = g.meta(keeper, day);
                let r = Repayment {
                    date: day,
                    via: Via::Cash,
                    amount: st.payable_now,
                };
                g.run(g.book.repay_loan(&m, org, l.loan_no, r))?;
            } else {
                owed += st.payable_now;
            }
        }
        // The savings are paid out in cash; draw from the bank what the box lacks.
        let short = held - owed - g.book.balance(org, "1100")?;
        if short > Decimal::ZERO && g.book.balance(org, "1200")? >= short {
            g.transfer(
                org,
                keeper,
                day,
                (Via::Bank, Via::Cash),
                short,
                "Drawn for an exit",
            )?;
        }
        let m = g.meta(keeper, day);
        match g.book.exit_member(&m, org, leaver, day, Via::Cash) {
            // The box and the bank together cannot pay her out yet (refused,
            // nothing written): she stays a member until a later meeting.
            Err(Error::InsufficientFunds(_)) => return Ok(()),
            r => g.run(r)?,
        };
        self.exited = true;
        Ok(())
    }

    /// Closes the meeting with the cash counted; one week the count is ₹5 short
    /// (if the box holds ₹5 to be short of).
    fn close(&mut self, week: i64, meeting: u32, day: NaiveDate) -> Result<()> {
        let book_cash = self.g.book.balance(self.org, "1100")?;
        let m = self.g.meta(self.keeper, day);
        let (counted, reason) = if week == 20 && book_cash >= Decimal::from(5) {
            (
                book_cash - Decimal::from(5),
                Some("₹5 short in the count".into()),
            )
        } else {
            (book_cash, None)
        };
        self.g.run(
            self.g
                .book
                .close_meeting(&m, self.org, meeting, counted, reason),
        )?;
        Ok(())
    }

    /// After the last meeting of a month: stationery, then banking. Whole rupees
    /// go to the bank and the paise stay in the box; a short box is topped up.
    fn month_end(&mut self, day: NaiveDate) -> Result<()> {
        let amount = d(self.g.rng.i64(2000..6000), 2);
        self.voucher(
            day,
            false,
            (Via::Cash, "5200"),
            amount,
            "Register and stationery",
        )?;
        let (g, org, keeper) = (&mut *self.g, self.org, self.keeper);
        let cash = g.book.balance(org, "1100")?;
        let keep = Decimal::from(3000);
        if (cash - keep).trunc() > Decimal::ZERO {
            let whole = (cash - keep).trunc();
            g.transfer(
                org,
                keeper,
                day,
                (Via::Cash, Via::Bank),
                whole,
                "Deposited in the bank",
            )?;
        } else if g.book.balance(org, "1200")? > keep {
            g.transfer(
                org,
                keeper,
                day,
                (Via::Bank, Via::Cash),
                keep,
                "Drawn for lending",
            )?;
        }
        Ok(())
    }

    /// A receipt into, or a payment from, cash or bank against `account`.
    fn voucher(
        &mut self,
        day: NaiveDate,
        receipt: bool,
        (via, account): (Via, &str),
        amount: Decimal,
        narration: &str,
    ) -> Result<()> {
        let m = self.g.meta(self.keeper, day);
        let v = Voucher {
            date: day,
            via,
            account: account.into(),
            amount,
            narration: narration.into(),
        };
        let r = if receipt {
            self.g.book.record_receipt(&m, self.org, v)
        } else {
            self.g.book.record_payment(&m, self.org, v)
        };
        self.g.run(r)?;
        Ok(())
    }
}

/// Pays what each present member owes on their loans; now and then a member
/// pays nothing and falls behind, to pay later with a penalty.
pub(super) fn repayments(
    g: &mut Gen<'_>,
    org: Uuid,
    keeper: &str,
    day: NaiveDate,
    present: &[u32],
    via: Via,
) -> Result<()> {
    for l in g.book.active_loans(org)? {
        let Some(no) = l.member_no else { continue };
        if !present.contains(&no) {
            continue;
        }
        let due = g.book.loan_standing(org, l.loan_no, day)?.due_now;
        if due.is_zero() || g.rng.u8(0..100) < 12 {
            continue;
        }
        let m = g.meta(keeper, day);
        g.run(g.book.repay_loan(
            &m,
            org,
            l.loan_no,
            Repayment {
                date: day,
                via,
                amount: due,
            },
        ))?;
    }
    Ok(())
}
