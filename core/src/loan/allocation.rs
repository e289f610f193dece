//! Applying a repayment to a schedule: late penalties, the allocation order, and
//! a loan's arrears and days past due. Pure calculation over instalment states.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::loan::schedule::round_minor;
use crate::money::RoundingRule;

/// The parts of an instalment a repayment can pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    Penalty,
    Interest,
    Principal,
}

/// The default order: penalty, then interest, then principal.
pub const DEFAULT_ORDER: [Component; 3] = [
    Component::Penalty,
    Component::Interest,
    Component::Principal,
];

/// Checks that an order names each component exactly once.
pub fn check_order(order: &[Component]) -> Result<()> {
    let all = [
        Component::Penalty,
        Component::Interest,
        Component::Principal,
    ];
    if order.len() != 3 || !all.iter().all(|c| order.contains(c)) {
        return Err(Error::invalid(
            "allocation_order",
            "must name penalty, interest and principal once each",
        ));
    }
    Ok(())
}

/// A late-payment penalty, charged once on each instalment left unpaid past its
/// due date and the grace days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LatePenalty {
    None,
    /// A fixed amount per late instalment, in minor units.
    Fixed {
        amount: i64,
    },
    /// A percentage of the instalment's overdue principal and interest.
    Percent {
        #[serde(with = "rust_decimal::serde::str")]
        percent: Decimal,
    },
}

/// An instalment with what has been charged and paid on it, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalmentState {
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub penalty: i64,
    pub principal_paid: i64,
    pub interest_paid: i64,
    pub penalty_paid: i64,
    pub penalty_assessed: bool,
}

impl InstalmentState {
    pub fn unpaid(&self, c: Component) -> i64 {
        match c {
            Component::Penalty => self.penalty - self.penalty_paid,
            Component::Interest => self.interest - self.interest_paid,
            Component::Principal => self.principal - self.principal_paid,
        }
    }
    fn overdue_amount(&self) -> i64 {
        self.unpaid(Component::Principal) + self.unpaid(Component::Interest)
    }
}

/// A penalty charged on an instalment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyCharge {
    pub instalment: u32,
    pub amount: i64,
}

/// The part of a repayment that went to one instalment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationLine {
    pub instalment: u32,
    pub penalty: i64,
    pub interest: i64,
    pub principal: i64,
}

/// How a repayment is split: penalties charged now, then the lines paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub penalties: Vec<PenaltyCharge>,
    pub lines: Vec<AllocationLine>,
}

impl Allocation {
    pub fn total(&self, c: Component) -> i64 {
        self.lines
            .iter()
            .map(|l| match c {
                Component::Penalty => l.penalty,
                Component::Interest => l.interest,
                Component::Principal => l.principal,
            })
            .sum()
    }
}

/// Penalties due on `as_of` that have not been charged yet.
pub fn assess_penalties(
    states: &[InstalmentState],
    as_of: NaiveDate,
    grace_days: u32,
    policy: &LatePenalty,
    scale: u32,
    rounding: RoundingRule,
) -> crate::error::Result<Vec<PenaltyCharge>> {
    let mut charges = Vec::new();
    for s in states
        .iter()
        .filter(|s| !s.penalty_assessed && s.overdue_amount() > 0)
        .filter(|s| s.due_on + Duration::days(grace_days as i64) < as_of)
    {
        let amount = match policy {
            LatePenalty::None => 0,
            LatePenalty::Fixed { amount } => *amount,
            LatePenalty::Percent { percent } => round_minor(
                Decimal::from(s.overdue_amount())
                    .checked_mul(*percent)
                    .ok_or_else(|| crate::error::Error::invalid("penalty", "is too large"))?
                    / Decimal::ONE_HUNDRED,
                scale,
                rounding,
            )?,
        };
        if amount > 0 {
            charges.push(PenaltyCharge {
                instalment: s.no,
                amount,
            });
        }
    }
    Ok(charges)
}

/// Applies charged penalties to the states (used before allocating, and on replay).
pub fn charge_penalties(states: &mut [InstalmentState], charges: &[PenaltyCharge]) {
    for c in charges {
        if let Some(s) = states.iter_mut().find(|s| s.no == c.instalment) {
            s.penalty += c.amount;
            s.penalty_assessed = true;
        }
    }
}

/// What can be paid on `as_of`: everything on instalments already due, and the
/// principal of later ones (prepayment). Interest not yet due is not collected early.
pub fn collectable(states: &[InstalmentState], as_of: NaiveDate) -> i64 {
    states
        .iter()
        .map(|s| {
            if s.due_on <= as_of {
                s.unpaid(Component::Penalty)
                    + s.unpaid(Component::Interest)
                    + s.unpaid(Component::Principal)
            } else {
                s.unpaid(Component::Principal)
            }
        })
        .sum()
}

/// Splits `amount` over what is due: each component in `order` in turn, across
/// the due instalments oldest first; then, as prepayment, the principal of
/// instalments not yet due, soonest first.
pub fn allocate(
    states: &[InstalmentState],
    as_of: NaiveDate,
    amount: i64,
    order: &[Component; 3],
) -> Result<Vec<AllocationLine>> {
    let available = collectable(states, as_of);
    if amount > available {
        return Err(Error::invalid(
            "amount",
            format!("{amount} is more than the {available} that can be paid on this loan now"),
        ));
    }
    let mut left = amount;
    let mut lines: Vec<AllocationLine> = states
        .iter()
        .map(|s| AllocationLine {
            instalment: s.no,
            ..Default::default()
        })
        .collect();
    let mut take = |line: &mut AllocationLine, s: &InstalmentState, c: Component| {
        let t = s.unpaid(c).min(left);
        left -= t;
        match c {
            Component::Penalty => line.penalty += t,
            Component::Interest => line.interest += t,
            Component::Principal => line.principal += t,
        }
    };
    for &c in order {
        for (s, line) in states
            .iter()
            .zip(lines.iter_mut())
            .filter(|(s, _)| s.due_on <= as_of)
        {
            take(line, s, c);
        }
    }
    for (s, line) in states
        .iter()
        .zip(lines.iter_mut())
        .filter(|(s, _)| s.due_on > as_of)
    {
        take(line, s, Component::Principal);
    }
    assert_eq!(
        left, 0,
        "allocation must place the whole amount it accepted"
    );
    lines.retain(|l| l.penalty + l.interest + l.principal > 0);
    Ok(lines)
}

/// Applies an allocation's payments to the states.
pub fn pay(states: &mut [InstalmentState], lines: &[AllocationLine]) {
    for l in lines {
        if let Some(s) = states.iter_mut().find(|s| s.no == l.instalment) {
            s.penalty_paid += l.penalty;
            s.interest_paid += l.interest;
            s.principal_paid += l.principal;
        }
    }
}

/// Where a loan stands on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandingFigures {
    pub outstanding_principal: i64,
    /// Principal and interest of instalments due before `as_of` and still unpaid.
    pub overdue_principal: i64,
    pub overdue_interest: i64,
    /// Penalties charged or chargeable by `as_of` and unpaid.
    pub penalty_due: i64,
    /// Overdue principal + interest + penalty.
    pub arrears: i64,
    /// Days since the oldest unpaid instalment fell due; 0 when none is overdue.
    pub days_past_due: i64,
    /// What the member owes at a meeting on `as_of`: everything due on or before it.
    pub due_now: i64,
}

pub fn standing(states: &[InstalmentState], as_of: NaiveDate) -> StandingFigures {
    let mut f = StandingFigures {
        outstanding_principal: 0,
        overdue_principal: 0,
        overdue_interest: 0,
        penalty_due: 0,
        arrears: 0,
        days_past_due: 0,
        due_now: 0,
    };
    let mut oldest: Option<NaiveDate> = None;
    for s in states {
        f.outstanding_principal += s.unpaid(Component::Principal);
        f.penalty_due += s.unpaid(Component::Penalty);
        if s.due_on <= as_of {
            f.due_now += s.unpaid(Component::Principal)
                + s.unpaid(Component::Interest)
                + s.unpaid(Component::Penalty);
        }
        if s.due_on < as_of && s.overdue_amount() > 0 {
            f.overdue_principal += s.unpaid(Component::Principal);
            f.overdue_interest += s.unpaid(Component::Interest);
            oldest = Some(oldest.map_or(s.due_on, |o| o.min(s.due_on)));
        }
    }
    f.arrears = f.overdue_principal + f.overdue_interest + f.penalty_due;
    f.days_past_due = oldest.map_or(0, |o| (as_of - o).num_days());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn states() -> Vec<InstalmentState> {
        (1..=3)
            .map(|no| InstalmentState {
                no,
                due_on: day("2025-01-01") + Duration::days(30 * no as i64),
                principal: 1000,
                interest: 100,
                penalty: 0,
                principal_paid: 0,
                interest_paid: 0,
                penalty_paid: 0,
                penalty_assessed: false,
            })
            .collect()
    }

    #[test]
    fn default_order_pays_penalties_then_interest_then_principal_each_oldest_first() {
        let mut s = states();
        charge_penalties(
            &mut s,
            &[PenaltyCharge {
                instalment: 1,
                amount: 50,
            }],
        );
        // Two instalments due: all penalties, then both interests, then principal.
        let lines = allocate(&s, day("2025-03-05"), 1200, &DEFAULT_ORDER).unwrap();
        let one = AllocationLine {
            instalment: 1,
            penalty: 50,
            interest: 100,
            principal: 950,
        };
        let two = AllocationLine {
            instalment: 2,
            penalty: 0,
            interest: 100,
            principal: 0,
        };
        assert_eq!(lines, vec![one, two]);
    }

    #[test]
    fn a_configured_order_puts_principal_first() {
        let s = states();
        let order = [
            Component::Principal,
            Component::Interest,
            Component::Penalty,
        ];
        let lines = allocate(&s, day("2025-02-01"), 1050, &order).unwrap();
        assert_eq!(
            lines,
            vec![AllocationLine {
                instalment: 1,
                penalty: 0,
                interest: 50,
                principal: 1000
            }]
        );
    }

    #[test]
    fn prepayment_goes_to_later_principal_but_not_to_interest_not_yet_due() {
        let s = states();
        // On the first due date: 1,100 due now, plus 2,000 principal of later instalments.
        assert_eq!(collectable(&s, day("2025-01-31")), 3100);
        let lines = allocate(&s, day("2025-01-31"), 3100, &DEFAULT_ORDER).unwrap();
        assert_eq!(lines.iter().map(|l| l.interest).sum::<i64>(), 100);
        assert_eq!(lines.iter().map(|l| l.principal).sum::<i64>(), 3000);
        let e = allocate(&s, day("2025-01-31"), 3101, &DEFAULT_ORDER).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "amount"));
    }

    #[test]
    fn penalties_are_charged_once_per_late_instalment_after_grace() {
        let s = states();
        let fixed = LatePenalty::Fixed { amount: 25 };
        let rule = RoundingRule::default();
        assert!(assess_penalties(&s, day("2025-02-03"), 3, &fixed, 2, rule)
            .unwrap()
            .is_empty());
        let c = assess_penalties(&s, day("2025-02-04"), 3, &fixed, 2, rule).unwrap();
        assert_eq!(
            c,
            vec![PenaltyCharge {
                instalment: 1,
                amount: 25
            }]
        );
        let mut charged = s.clone();
        charge_penalties(&mut charged, &c);
        assert!(
            assess_penalties(&charged, day("2025-02-10"), 3, &fixed, 2, rule)
                .unwrap()
                .is_empty()
        );
        let pct = LatePenalty::Percent {
            percent: "2.5".parse().unwrap(),
        };
        let c = assess_penalties(&s, day("2025-04-15"), 0, &pct, 2, rule).unwrap();
        assert_eq!(
            c.iter().map(|c| c.amount).collect::<Vec<_>>(),
            vec![28, 28, 28]
        ); // 2.5% of 1,100 = 27.5
    }

    #[test]
    fn standing_reports_arrears_and_days_past_due() {
        let mut s = states();
        pay(
            &mut s,
            &[AllocationLine {
                instalment: 1,
                penalty: 0,
                interest: 100,
                principal: 400,
            }],
        );
        let f = standing(&s, day("2025-03-12"));
        assert_eq!(f.outstanding_principal, 2600);
        assert_eq!((f.overdue_principal, f.overdue_interest), (1600, 100));
        assert_eq!(f.days_past_due, 40); // since 31 Jan
        assert_eq!(f.due_now, 1700);
        assert_eq!(standing(&s, day("2025-01-31")).days_past_due, 0);
    }

    #[test]
    fn an_order_must_name_each_component_once() {
        assert!(check_order(&DEFAULT_ORDER).is_ok());
        assert!(
            check_order(&[Component::Penalty, Component::Penalty, Component::Principal]).is_err()
        );
    }
}
