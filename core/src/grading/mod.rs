//! Panchasutra grading of an SHG over a period: the five norms a group is
//! judged on, each scored out of 20 with the figures it was computed from.
//!
//! 1. Meeting regularity: meetings held ÷ meetings due at the policy's frequency.
//! 2. Savings regularity: compulsory savings paid ÷ owed (members present or not),
//!    owed once a meeting period (week, fortnight or month) in which the group met.
//! 3. Internal lending: members who borrowed in the period ÷ active members.
//! 4. Repayment: instalment money due in the period and paid by the period end ÷ due.
//! 5. Books up to date: the latest closed meeting is within one meeting interval
//!    of the period end (full marks), losing a quarter per further interval.

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

mod basis;

use basis::Basis;

use crate::book::Book;
use crate::books::Period;
use crate::error::Result;
use crate::loan::Frequency;
use crate::member::Member;
use crate::rows::parse_stored_date;

/// The most each norm can score.
pub const NORM_MAX: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Norm {
    pub name: &'static str,
    /// Out of 20, to two decimals.
    pub score: Decimal,
    /// How the score was computed, with the figures.
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grading {
    pub period: Period,
    pub norms: Vec<Norm>,
    /// Out of 100.
    pub total: Decimal,
    /// A (80 and above), B (60 and above) or C.
    pub grade: &'static str,
}

/// The language the workings are written in: the organisation's, or the one
/// asked (`Book::read_in`).
struct Words(crate::locale::LocalFormat);

impl Words {
    fn render_basis(&self, b: Basis) -> Result<String> {
        b.render(&self.0)
    }
}

fn score(ratio: Decimal) -> Decimal {
    (ratio.clamp(Decimal::ZERO, Decimal::ONE) * Decimal::from(NORM_MAX)).round_dp(2)
}

fn ratio(num: i64, den: i64) -> Decimal {
    if den <= 0 {
        Decimal::ONE
    } else {
        Decimal::from(num) / Decimal::from(den)
    }
}

fn interval_days(f: Frequency) -> i64 {
    match f {
        Frequency::Weekly => 7,
        Frequency::Fortnightly => 14,
        Frequency::Monthly => 30,
    }
}

impl Book {
    /// Grades the organisation over `p` by the five Panchasutra norms.
    pub fn grade(&self, org: Uuid, p: Period) -> Result<Grading> {
        let o = self.organisation(org)?;
        let policy = self.policy(org)?;
        let meetings: Vec<NaiveDate> = self
            .meetings(org)?
            .into_iter()
            .map(|m| m.held_on)
            .filter(|d| *d >= p.from && *d <= p.to)
            .collect();
        let members: Vec<Member> = self
            .members(org)?
            .into_iter()
            .filter(|m| m.joined_on <= p.to && m.exited_on.is_none_or(|e| e >= p.from))
            .collect();
        let loans = self.loans(org)?;
        let scale = o.currency.scale;
        let words = Words(crate::locale::LocalFormat::new(
            self.asked_words().unwrap_or(o.locale),
        )?);
        let norms = vec![
            meeting_norm(p, &policy, &meetings, &words)?,
            self.savings_norm(org, p, &policy, &members, scale, &words)?,
            self.lending_norm(org, p, &members, &words)?,
            self.repayment_norm(org, p, &loans, scale, &words)?,
            self.books_norm(org, p, interval_days(policy.meeting_frequency), &words)?,
        ];
        let total: Decimal = norms.iter().map(|n| n.score).sum();
        let grade = if total >= Decimal::from(80) {
            "A"
        } else if total >= Decimal::from(60) {
            "B"
        } else {
            "C"
        };
        Ok(Grading {
            period: p,
            norms,
            total,
            grade,
        })
    }

    /// Compulsory savings paid in the period against what the members present owed.
    fn savings_norm(
        &self,
        org: Uuid,
        p: Period,
        policy: &crate::policy::Policy,
        members: &[Member],
        scale: u32,
        words: &Words,
    ) -> Result<Norm> {
        let (mut owed, mut paid) = (0i64, 0i64);
        let o = self.organisation(org)?;
        for m in members {
            // Owed once a meeting period while she was a member, as her arrears are.
            let from = m.joined_on.max(p.from);
            let to = m.exited_on.map_or(p.to, |e| e.min(p.to));
            let here = self.with_reader(|conn| {
                crate::meetings::periods_met(conn, &o, policy.meeting_frequency, from, to)
            })?;
            owed += here * policy.compulsory_savings;
            paid += self
                .with_reader(|conn| {
                    crate::meetings::compulsory_paid(conn, org, m.member_no, p.from, p.to)
                })?
                .min(here * policy.compulsory_savings);
        }
        let show = |m: i64| crate::money::from_minor(m, scale);
        Ok(Norm {
            name: "savings regularity",
            score: score(ratio(paid, owed)),
            basis: words.render_basis(if owed == 0 {
                Basis::NoSavingsSet
            } else {
                Basis::Savings {
                    paid: show(paid),
                    owed: show(owed),
                }
            })?,
        })
    }

    /// How recent the latest closed meeting is, in meeting intervals.
    fn books_norm(&self, org: Uuid, p: Period, every: i64, words: &Words) -> Result<Norm> {
        let last_closed: Option<NaiveDate> = self.with_reader(|conn| {
            let d: Option<String> = conn.prepare_cached("SELECT max(held_on) FROM meetings WHERE org_id = ?1 AND status = 'closed' AND held_on <= ?2")?.query_row(
                params![org.to_string(), p.to.to_string()],
                |r| r.get(0),
            )?;
            d.as_deref().map(parse_stored_date).transpose()
        })?;
        Ok(match last_closed {
            None => Norm {
                name: "books up to date",
                score: Decimal::ZERO,
                basis: words.render_basis(Basis::NoMeetingClosed)?,
            },
            Some(d) => {
                let late = ((p.to - d).num_days() - every).max(0);
                let intervals = (late + every - 1) / every;
                let r = Decimal::ONE - Decimal::from(intervals) / Decimal::from(4);
                Norm {
                    name: "books up to date",
                    score: score(r),
                    basis: words.render_basis(Basis::LastClosed {
                        on: d,
                        days_before_end: (p.to - d).num_days(),
                    })?,
                }
            }
        })
    }
}

/// Meetings held in the period against those the frequency asks for.
fn meeting_norm(
    p: Period,
    policy: &crate::policy::Policy,
    meetings: &[NaiveDate],
    words: &Words,
) -> Result<Norm> {
    let every = interval_days(policy.meeting_frequency);
    let days = (p.to - p.from).num_days() + 1;
    let due_meetings = (days / every).max(1);
    let held = meetings.len() as i64;
    Ok(Norm {
        name: "meeting regularity",
        score: score(ratio(held, due_meetings)),
        basis: words.render_basis(Basis::Meetings {
            held,
            due: due_meetings,
            every: policy.meeting_frequency,
            days,
        })?,
    })
}

impl Book {
    /// Members paid a loan in the period, of the members then active. A loan
    /// carried over from the paper books at the cut-off is existing lending,
    /// not lending in the period; a payout reversed by the period end is none.
    fn lending_norm(
        &self,
        org: Uuid,
        p: Period,
        members: &[Member],
        words: &Words,
    ) -> Result<Norm> {
        let borrowers: std::collections::BTreeSet<u32> = self.with_reader(|conn| {
            let mut st = conn.prepare_cached(
                "SELECT DISTINCT l.member_no FROM loan_movements m
                   JOIN loans l ON l.org_id = m.org_id AND l.loan_no = m.loan_no
                  WHERE m.org_id = ?1 AND m.kind = 'loan.disbursed' AND l.member_no IS NOT NULL
                    AND m.business_date BETWEEN ?2 AND ?3
                    AND (m.reversed_on IS NULL OR m.reversed_on > ?3)",
            )?;
            let rows = st.query_map(
                params![org.to_string(), p.from.to_string(), p.to.to_string()],
                |r| r.get::<_, u32>(0),
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let active = members.len() as i64;
        Ok(Norm {
            name: "internal lending",
            score: score(ratio(borrowers.len() as i64, active)),
            basis: words.render_basis(Basis::Lending {
                borrowers: borrowers.len(),
                active,
            })?,
        })
    }

    /// Instalments that fell due in the period, and how much of them had been
    /// repaid by the period end: payments made later do not count, and a
    /// payment reversed later still counted then.
    fn repayment_norm(
        &self,
        org: Uuid,
        p: Period,
        loans: &[crate::lending::Loan],
        scale: u32,
        words: &Words,
    ) -> Result<Norm> {
        let (mut due, mut met) = (0i64, 0i64);
        for l in loans.iter().filter(|l| l.member_no.is_some()) {
            if l.disbursed_on.is_none_or(|d| d > p.to) || l.closed_on.is_some_and(|c| c < p.from) {
                continue;
            }
            let mut states = l.instalments.clone();
            self.instalments_on(org, l.loan_no, p.to, &mut states)?;
            for s in states
                .iter()
                .filter(|s| s.due_on >= p.from && s.due_on <= p.to)
            {
                let amount = s.principal + s.interest;
                due += amount;
                met += (s.principal_paid + s.interest_paid).min(amount);
            }
        }
        let show = |m: i64| crate::money::from_minor(m, scale);
        Ok(Norm {
            name: "repayment",
            score: score(ratio(met, due)),
            basis: words.render_basis(if due == 0 {
                Basis::NothingDue
            } else {
                Basis::Repayment {
                    met: show(met),
                    due: show(due),
                }
            })?,
        })
    }
}
