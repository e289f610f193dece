//! Each event's journal entry: the lines it posts, which depend on the event
//! alone, so that replaying the log gives the same postings.

use super::{CutoffBody, EventBody, ExitBody, Line};
use crate::chart::{
    member_account, BANK, BORROWING_INTEREST, CASH, CASH_EXCESS, CASH_SHORTAGE, LOAN_INTEREST,
    LOAN_PENALTIES, MEMBER_LOANS, MEMBER_SAVINGS, MEMBER_VOLUNTARY, OPENING_EQUITY, REVOLVING_FUND,
    WRITE_OFFS,
};
use crate::loan::allocation::{Allocation, Component};

/// Cash counted above the book is an excess (income); below it, a shortage (expense).
fn discrepancy(diff: i64) -> Vec<Line> {
    let line = |account: &str, amount: i64| Line {
        account: account.to_string(),
        amount,
    };
    match diff {
        0 => vec![],
        d if d > 0 => vec![line(CASH, d), line(CASH_EXCESS, -d)],
        d => vec![line(CASH_SHORTAGE, -d), line(CASH, d)],
    }
}

/// Merges lines on the same account, keeping first-seen order, and drops zeros.
fn merge_lines(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for x in lines {
        match out.iter_mut().find(|o| o.account == x.account) {
            Some(o) => o.amount += x.amount,
            None => out.push(x),
        }
    }
    out.retain(|x| x.amount != 0);
    out
}

impl EventBody {
    /// The journal entry this event posts, if it moves money. The lines depend on
    /// the event alone, so replaying the log gives the same postings.
    pub fn journal(&self) -> Option<Vec<Line>> {
        let mut lines = match self {
            EventBody::OrgCreated(_)
            | EventBody::MemberAdded { .. }
            | EventBody::MemberChanged { .. }
            | EventBody::PolicySet(_)
            | EventBody::RoleSet { .. }
            | EventBody::PinSet { .. }
            | EventBody::MeetingOpened { .. }
            | EventBody::Attendance { .. }
            | EventBody::LoanApplied { .. }
            | EventBody::LoanApproved { .. }
            | EventBody::CorrectionRequested { .. }
            | EventBody::CorrectionRejected { .. }
            | EventBody::CustodyClaimed(_)
            | EventBody::CustodyTransferred(_)
            | EventBody::CustodyRecovered(_) => return None,
            EventBody::EntryReversed { lines, .. } => lines.clone(),
            EventBody::Receipt {
                via,
                account,
                amount,
                ..
            } => vec![l(via, *amount), l(account, -amount)],
            EventBody::Payment {
                via,
                account,
                amount,
                ..
            } => vec![l(account, *amount), l(via, -amount)],
            EventBody::Transfer {
                from, to, amount, ..
            } => vec![l(to, *amount), l(from, -amount)],
            EventBody::SavingsDeposit {
                member_no,
                via,
                amount,
                fund,
            } => vec![
                l(via, *amount),
                l(&member_account(fund.header(), *member_no), -amount),
            ],
            EventBody::SavingsWithdrawal {
                member_no,
                via,
                amount,
                fund,
            } => vec![
                l(&member_account(fund.header(), *member_no), *amount),
                l(via, -amount),
            ],
            EventBody::MeetingClosed {
                counted_cash,
                book_cash,
                ..
            } => discrepancy(counted_cash - book_cash),
            EventBody::MeetingReopened {
                reversed_discrepancy,
                ..
            } => {
                let mut v = discrepancy(*reversed_discrepancy);
                v.iter_mut().for_each(|x| x.amount = -x.amount);
                v
            }
            EventBody::LoanDisbursed {
                member_no,
                via,
                principal,
                fee,
                ..
            } => vec![
                l(&member_account(MEMBER_LOANS, *member_no), *principal),
                l(via, -(principal - fee)),
                l(LOAN_INTEREST, -fee),
            ],
            EventBody::LoanRepaid {
                loan_account,
                payable,
                via,
                amount,
                allocation,
                ..
            } => repayment_lines(loan_account, *payable, via, *amount, allocation),
            EventBody::LoanWrittenOff {
                loan_account,
                amount,
                ..
            } => vec![l(WRITE_OFFS, *amount), l(loan_account, -amount)],
            EventBody::FacilityReceived {
                source, via, terms, ..
            } => vec![
                l(via, terms.principal),
                l(source.account(), -terms.principal),
            ],
            EventBody::ChargeCollected {
                charge,
                via,
                amount,
                ..
            } => vec![l(via, *amount), l(charge.account(), -amount)],
            EventBody::CutoffRecorded(c) => cutoff_lines(c),
            EventBody::MemberExited(x) => exit_lines(x),
        };
        lines.retain(|x| x.amount != 0);
        Some(merge_lines(lines))
    }
}

fn l(account: &str, amount: i64) -> Line {
    Line {
        account: account.to_string(),
        amount,
    }
}

/// A repayment: of a member loan into cash or bank, split into penalty,
/// interest and principal; or of the organisation's own borrowing, out of it.
fn repayment_lines(
    loan_account: &str,
    payable: bool,
    via: &str,
    amount: i64,
    allocation: &Allocation,
) -> Vec<Line> {
    let (pen, int, pri) = (
        allocation.total(Component::Penalty),
        allocation.total(Component::Interest),
        allocation.total(Component::Principal),
    );
    if payable {
        vec![
            l(loan_account, pri),
            l(BORROWING_INTEREST, int + pen),
            l(via, -amount),
        ]
    } else {
        vec![
            l(via, amount),
            l(LOAN_PENALTIES, -pen),
            l(LOAN_INTEREST, -int),
            l(loan_account, -pri),
        ]
    }
}

/// Opening balances: cash, bank, funds, each member's savings and loans, and
/// the group's borrowings.
fn cutoff_lines(c: &CutoffBody) -> Vec<Line> {
    let mut v = vec![
        l(CASH, c.cash),
        l(BANK, c.bank),
        l(REVOLVING_FUND, -c.revolving_fund),
        l(OPENING_EQUITY, -c.surplus),
    ];
    for m in &c.members {
        v.push(l(
            &member_account(MEMBER_SAVINGS, m.member_no),
            -m.compulsory,
        ));
        v.push(l(
            &member_account(MEMBER_VOLUNTARY, m.member_no),
            -m.voluntary,
        ));
        let lent: i64 = m.loans.iter().map(|x| x.terms.principal).sum();
        v.push(l(&member_account(MEMBER_LOANS, m.member_no), lent));
    }
    for f in &c.facilities {
        v.push(l(f.source.account(), -f.terms.principal));
    }
    v
}

/// An exit: savings paid back, net of the loans they settle.
fn exit_lines(x: &ExitBody) -> Vec<Line> {
    let n = x.member_no;
    let mut v = vec![
        l(&member_account(MEMBER_SAVINGS, n), x.compulsory),
        l(&member_account(MEMBER_VOLUNTARY, n), x.voluntary),
        l(&x.via, -x.refund),
    ];
    for s in &x.settled {
        v.push(l(LOAN_PENALTIES, -s.allocation.total(Component::Penalty)));
        v.push(l(LOAN_INTEREST, -s.allocation.total(Component::Interest)));
        v.push(l(
            &member_account(MEMBER_LOANS, n),
            -s.allocation.total(Component::Principal),
        ));
    }
    v
}
