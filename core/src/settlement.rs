//! Opening balances at cut-off, members' fees and fines, and a member's exit.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::admin::require_org;
use crate::admin::OrgContext;
use crate::book::Book;
use crate::chart::{member_account, MEMBER_SAVINGS, MEMBER_VOLUNTARY};
use crate::checks::{account_exists, active_member, money_date, not_before_opening};
use crate::commands::Via;
use crate::error::{Error, Result};
use crate::event::{
    CutoffBody, CutoffFacility, CutoffLoan, CutoffMember, EventBody, ExitBody, ExitSettlement,
    FacilitySource, MemberCharge,
};
use crate::lending::{instalment_states, payable_on, plan_payment, LoanStatus};
use crate::loan::schedule::{schedule, Instalment};
use crate::loan::{Frequency, Method, RatePeriod};
use crate::money::{from_minor, positive_minor, to_minor};

/// A fee or fine paid by a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeEntry {
    pub date: NaiveDate,
    pub member_no: u32,
    pub charge: MemberCharge,
    pub via: Via,
    #[serde(with = "crate::money::amount")]
    pub amount: Decimal,
}

/// A member loan carried over from the paper books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningLoan {
    /// Principal outstanding at cut-off, arrears included.
    #[serde(with = "crate::money::amount")]
    pub outstanding: Decimal,
    /// Principal already overdue at cut-off (part of `outstanding`).
    #[serde(with = "crate::money::amount")]
    pub arrears: Decimal,
    /// When the oldest unpaid instalment fell due; needed when there are arrears.
    pub overdue_since: Option<NaiveDate>,
    #[serde(with = "crate::money::amount")]
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    /// Instalments left for the part not yet due.
    pub remaining_term: u32,
    pub frequency: Frequency,
    pub method: Method,
    /// Interest fallen due on the paper books and not paid by the cut-off. It is
    /// owed with the arrears (from `overdue_since`) and, like all interest, is
    /// income only when paid, so it posts nothing at the cut-off.
    /// None and zero both mean none.
    #[serde(
        default,
        with = "crate::money::optional_amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub overdue_interest: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningMember {
    pub member_no: u32,
    #[serde(with = "crate::money::amount")]
    pub compulsory: Decimal,
    #[serde(with = "crate::money::amount")]
    pub voluntary: Decimal,
    pub loans: Vec<OpeningLoan>,
}

/// The organisation's own borrowing carried over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningBorrowing {
    pub source: FacilitySource,
    #[serde(with = "crate::money::amount")]
    pub outstanding: Decimal,
    #[serde(with = "crate::money::amount")]
    pub rate: Decimal,
    pub rate_period: RatePeriod,
    pub remaining_term: u32,
    pub frequency: Frequency,
    pub method: Method,
}

/// A group's books at cut-off. Assets (cash, bank, loans to members) must equal
/// liabilities (savings, borrowings) plus equity (Revolving Fund, surplus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cutoff {
    pub date: NaiveDate,
    #[serde(with = "crate::money::amount")]
    pub cash: Decimal,
    #[serde(with = "crate::money::amount")]
    pub bank: Decimal,
    #[serde(with = "crate::money::amount")]
    pub revolving_fund: Decimal,
    /// Accumulated surplus; negative for a deficit.
    #[serde(with = "crate::money::amount")]
    pub surplus: Decimal,
    pub members: Vec<OpeningMember>,
    pub borrowings: Vec<OpeningBorrowing>,
}

/// What a member owes at a meeting on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberDues {
    pub member_no: u32,
    pub as_of: NaiveDate,
    pub savings_arrears: Decimal,
    pub absence_fines_due: Decimal,
    /// Per active loan: (loan number, amount due now).
    pub loans_due: Vec<(u32, Decimal)>,
}

fn non_negative(field: &str, d: Decimal, scale: u32) -> Result<i64> {
    let m = to_minor(field, d, scale)?;
    if m < 0 {
        return Err(Error::invalid(field, "must not be negative"));
    }
    Ok(m)
}

/// What a carried-over loan had fallen due and left unpaid at the cut-off.
struct Overdue {
    principal: i64,
    interest: i64,
    since: Option<NaiveDate>,
}

/// Schedule of a carried-over loan: its arrears (principal and interest) as one
/// instalment already due, then the rest over the remaining term from the
/// cut-off date.
fn opening_schedule(
    field: &str,
    date: NaiveDate,
    outstanding: i64,
    overdue: Overdue,
    terms_for: impl Fn(i64) -> crate::loan::LoanTerms,
    org: &crate::org::Organisation,
) -> Result<(crate::loan::LoanTerms, Vec<Instalment>)> {
    let (scale, rounding) = (org.currency.scale, org.rounding);
    if outstanding <= 0 {
        return Err(Error::invalid(field, "outstanding must be more than zero"));
    }
    let arrears = overdue.principal;
    if arrears > outstanding {
        return Err(Error::invalid(
            field,
            "arrears cannot exceed what is outstanding",
        ));
    }
    let mut out = Vec::new();
    if arrears > 0 || overdue.interest > 0 {
        let since = overdue.since.ok_or_else(|| {
            Error::invalid(
                field,
                "arrears and overdue interest need the date they fell due (overdue_since)",
            )
        })?;
        if since > date {
            return Err(Error::invalid(
                field,
                "overdue_since is after the cut-off date",
            ));
        }
        out.push(Instalment {
            no: 1,
            due_on: since,
            principal: arrears,
            interest: overdue.interest,
        });
    }
    let terms = terms_for(outstanding);
    terms.validate()?;
    if outstanding > arrears {
        let rest = crate::loan::LoanTerms {
            principal: outstanding - arrears,
            ..terms.clone()
        };
        let offset = out.len() as u32;
        for mut i in schedule(&rest, date, org.calendar, scale, rounding)? {
            i.no += offset;
            out.push(i);
        }
    }
    Ok((terms, out))
}

impl Book {
    /// What a member owes at a meeting on `as_of`: savings arrears, absence fines, loan dues.
    pub fn member_dues(&self, org: Uuid, member_no: u32, as_of: NaiveDate) -> Result<MemberDues> {
        let savings_arrears = self.savings_arrears(org, member_no, as_of)?;
        let absence_fines_due = self.absence_fines_due(org, member_no, as_of)?;
        let mut loans_due = Vec::new();
        for l in self.member_loans(org, member_no)? {
            if l.status == LoanStatus::Active {
                loans_due.push((
                    l.loan_no,
                    self.loan_standing(org, l.loan_no, as_of)?.due_now,
                ));
            }
        }
        Ok(MemberDues {
            member_no,
            as_of,
            savings_arrears,
            absence_fines_due,
            loans_due,
        })
    }

    /// Absence fines a member owes on `as_of`: the policy's fine for each
    /// absence by then, less the fines she had paid by then and not reversed.
    pub fn absence_fines_due(
        &self,
        org: Uuid,
        member_no: u32,
        as_of: NaiveDate,
    ) -> Result<Decimal> {
        let o = self.organisation(org)?;
        let policy = self.policy(org)?;
        let (absences, fines_paid) = self.with_reader(|conn| {
            let absences: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM attendance a JOIN meetings m
                   ON m.org_id = a.org_id AND m.meeting_no = a.meeting_no
                 WHERE a.org_id = ?1 AND a.member_no = ?2 AND a.present = 0 AND m.held_on <= ?3",
                )?
                .query_row(
                    params![org.to_string(), member_no, as_of.to_string()],
                    |r| r.get(0),
                )?;
            let paid: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(amount), 0) FROM member_charges
                  WHERE org_id = ?1 AND member_no = ?2 AND charge = 'absence-fine'
                    AND business_date <= ?3 AND (reversed_on IS NULL OR reversed_on > ?3)",
                )?
                .query_row(
                    params![org.to_string(), member_no, as_of.to_string()],
                    |r| r.get(0),
                )?;
            Ok((absences, paid))
        })?;
        Ok(from_minor(
            (absences * policy.absence_fine - fines_paid).max(0),
            o.currency.scale,
        ))
    }
}

// Decisions: each validates a command against the book, read-only, and
// returns the event to record.

/// A membership fee or an absence fine, each to its own income account.
pub(crate) fn decide_collect_charge(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    c: ChargeEntry,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    let amount = positive_minor("amount", c.amount, ctx.org.currency.scale)?;
    money_date(tx, ctx, c.date)?;
    active_member(tx, org, c.member_no, c.date)?;
    account_exists(tx, org, c.charge.account())?;
    Ok(EventBody::ChargeCollected {
        member_no: c.member_no,
        charge: c.charge,
        via: c.via.account().into(),
        amount,
    })
}

/// Opens a group's books from its paper records. Only a book with no entries
/// and no meetings yet may take a cut-off; it must balance.
pub(crate) fn decide_record_cutoff(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    c: Cutoff,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    not_before_opening(ctx, c.date, "date")?;
    let scale = ctx.org.currency.scale;
    if crate::checks::book_started(tx, org)? {
        return Err(Error::conflict(
            "a cut-off opens a new book; this one already has entries or meetings",
        ));
    }
    // Loans carried over are numbered in order: members' first, then borrowings.
    let mut next_loan = 1u32;
    let mut members = Vec::new();
    for m in &c.members {
        active_member(tx, org, m.member_no, c.date)?;
        members.push(opening_member(m, c.date, &mut next_loan, &ctx.org)?);
    }
    let mut facilities = Vec::new();
    for b in &c.borrowings {
        account_exists(tx, org, b.source.account())?;
        facilities.push(opening_borrowing(b, c.date, &mut next_loan, &ctx.org)?);
    }
    let event = EventBody::CutoffRecorded(CutoffBody {
        cash: non_negative("cash", c.cash, scale)?,
        bank: non_negative("bank", c.bank, scale)?,
        revolving_fund: non_negative("revolving_fund", c.revolving_fund, scale)?,
        surplus: to_minor("surplus", c.surplus, scale)?,
        members,
        facilities,
    });
    let lines = event.journal().unwrap_or_default();
    let diff: i64 = lines.iter().map(|l| l.amount).sum();
    if diff != 0 {
        let side = if diff > 0 {
            "assets exceed liabilities and equity"
        } else {
            "liabilities and equity exceed assets"
        };
        return Err(Error::invalid(
            "cutoff",
            format!(
                "the opening balances do not balance: {side} by {}",
                from_minor(diff.abs(), scale)
            ),
        ));
    }
    Ok(event)
}

/// A member's savings and loans at the cut-off, each loan with a schedule for
/// what is left of it.
fn opening_member(
    m: &OpeningMember,
    date: NaiveDate,
    next_loan: &mut u32,
    org: &crate::org::Organisation,
) -> Result<CutoffMember> {
    let scale = org.currency.scale;
    let mut loans = Vec::new();
    for l in &m.loans {
        let field = format!("member {} loan", m.member_no);
        let (terms, schedule) = opening_schedule(
            &field,
            date,
            to_minor("outstanding", l.outstanding, scale)?,
            Overdue {
                principal: non_negative("arrears", l.arrears, scale)?,
                interest: non_negative(
                    "overdue_interest",
                    l.overdue_interest.unwrap_or_default(),
                    scale,
                )?,
                since: l.overdue_since,
            },
            |p| crate::loan::LoanTerms {
                principal: p,
                rate: l.rate.normalize(),
                rate_period: l.rate_period,
                term: l.remaining_term.max(1),
                frequency: l.frequency,
                method: l.method,
            },
            org,
        )?;
        loans.push(CutoffLoan {
            loan_no: *next_loan,
            terms,
            schedule,
        });
        *next_loan += 1;
    }
    Ok(CutoffMember {
        member_no: m.member_no,
        compulsory: non_negative("compulsory", m.compulsory, scale)?,
        voluntary: non_negative("voluntary", m.voluntary, scale)?,
        loans,
    })
}

/// The organisation's own borrowing at the cut-off, with a schedule for the rest.
fn opening_borrowing(
    b: &OpeningBorrowing,
    date: NaiveDate,
    next_loan: &mut u32,
    org: &crate::org::Organisation,
) -> Result<CutoffFacility> {
    let scale = org.currency.scale;
    let (terms, schedule) = opening_schedule(
        "borrowing",
        date,
        to_minor("outstanding", b.outstanding, scale)?,
        Overdue {
            principal: 0,
            interest: 0,
            since: None,
        },
        |p| crate::loan::LoanTerms {
            principal: p,
            rate: b.rate.normalize(),
            rate_period: b.rate_period,
            term: b.remaining_term,
            frequency: b.frequency,
            method: b.method,
        },
        org,
    )?;
    let loan_no = *next_loan;
    *next_loan += 1;
    Ok(CutoffFacility {
        loan_no,
        source: b.source,
        terms,
        schedule,
    })
}

/// Settles and records a member's exit: loans are paid from savings (when
/// the policy nets them) and the rest of the savings paid back. Refused while
/// a loan is in arrears, unless an approver has written it off.
pub(crate) fn decide_exit_member(
    tx: &Connection,
    ctx: Option<&OrgContext>,
    org: Uuid,
    member_no: u32,
    date: NaiveDate,
    via: Via,
) -> Result<EventBody> {
    let ctx = require_org(ctx, org)?;
    money_date(tx, ctx, date)?;
    active_member(tx, org, member_no, date)?;
    let savings = |header: &str| -> Result<i64> {
        Ok(-tx
            .prepare_cached("SELECT balance FROM accounts WHERE org_id = ?1 AND code = ?2")?
            .query_row(
                params![org.to_string(), member_account(header, member_no)],
                |r| r.get::<_, i64>(0),
            )?)
    };
    let (compulsory, voluntary) = (savings(MEMBER_SAVINGS)?, savings(MEMBER_VOLUNTARY)?);
    let loans: Vec<u32> = tx
                .prepare("SELECT loan_no FROM loans WHERE org_id = ?1 AND member_no = ?2 AND status = 'active' ORDER BY loan_no")?
                .query_map(params![org.to_string(), member_no], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
    let mut settled = Vec::new();
    let mut owed = 0i64;
    for loan_no in loans {
        let states = instalment_states(tx, org, loan_no)?;
        let (charged, _) =
            crate::lending::with_penalties_due(&states, date, &ctx.policy, &ctx.org)?;
        let f = crate::loan::allocation::standing(&charged, date);
        if f.arrears > 0 {
            return Err(Error::conflict(format!(
                        "loan {loan_no} is in arrears by {} ({} days past due); it must be repaid, or written off by an approver, before the exit",
                        ctx.money(f.arrears),
                        f.days_past_due
                    )));
        }
        let payable = payable_on(ctx, &states, date, true)?;
        if payable > 0 {
            settled.push(ExitSettlement {
                loan_no,
                allocation: plan_payment(ctx, &states, date, payable, true)?,
            });
            owed += payable;
        }
    }
    if owed > 0 && !ctx.policy.exit_nets_loans {
        return Err(Error::conflict(format!(
                    "member {member_no} owes {} on loans; this organisation's policy wants loans repaid before an exit",
                    ctx.money(owed)
                )));
    }
    let held = compulsory + voluntary;
    if owed > held {
        return Err(Error::conflict(format!(
            "member {member_no} owes {} on loans but has {} in savings; {} must be repaid first",
            ctx.money(owed),
            ctx.money(held),
            ctx.money(owed - held)
        )));
    }
    Ok(EventBody::MemberExited(ExitBody {
        member_no,
        via: via.account().into(),
        compulsory,
        voluntary,
        settled,
        refund: held - owed,
    }))
}
