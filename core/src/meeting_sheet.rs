//! What the meeting screens show, each in one read: the meeting sheet (the
//! latest meeting, cash in hand, and every active member's attendance and
//! dues at the open meeting) and one member's sheet. A phone makes one call
//! per screen rather than one per figure.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::lending::LoanStatus;
use crate::meetings::{Meeting, MeetingStatus};
use crate::member::Member;
use crate::org::Organisation;
use crate::policy::Policy;

/// A member's mark on the open meeting's roll; not yet marked is its own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Present,
    Absent,
    Unmarked,
}

/// An active loan on a member's sheet, as it stands on the meeting's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueLoan {
    pub loan_no: u32,
    pub outstanding_principal: Decimal,
    /// What falls due by the meeting: the amount the field starts with.
    pub due_now: Decimal,
    /// The most a payment can settle now (the whole loan, early).
    pub payable_now: Decimal,
    pub days_past_due: i64,
}

/// One member at the open meeting: her mark, and what she owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberSheet {
    /// The open meeting the sheet is for: what her entries are dated and numbered by.
    pub meeting_no: u32,
    pub held_on: NaiveDate,
    pub member_no: u32,
    pub name: String,
    pub presence: Presence,
    pub savings_due: Decimal,
    pub fines_due: Decimal,
    pub loans: Vec<DueLoan>,
    /// Loans applied for or approved and never paid out (a book kept before
    /// loans were sanctioned in one command): shown so they can be finished.
    pub unfinished_loans: Vec<u32>,
}

/// The group's meeting screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingSheet {
    /// The latest meeting (the only one that can be open), none before the first.
    pub latest: Option<Meeting>,
    /// Where a new meeting starts: `today`, or the day after the latest one
    /// when the phone's clock is behind the book.
    pub next_date: NaiveDate,
    /// Cash in hand as the book holds it: what the count is checked against.
    pub cash_in_hand: Decimal,
    /// Active members with their marks and dues while a meeting is open; none otherwise.
    pub members: Vec<MemberSheet>,
}

impl MeetingSheet {
    /// The open meeting, if the latest one is.
    pub fn open(&self) -> Option<&Meeting> {
        self.latest
            .as_ref()
            .filter(|m| m.status == MeetingStatus::Open)
    }
}

impl Book {
    /// The meeting screen in one read, as of the phone's `today`.
    pub fn meeting_sheet(&self, org: Uuid, today: NaiveDate) -> Result<MeetingSheet> {
        let latest = self.latest_meeting(org)?;
        let cash_in_hand = self.cash_in_hand(org)?;
        let next_date = match &latest {
            Some(m) if m.held_on >= today => m.held_on.succ_opt().unwrap_or(m.held_on),
            _ => today,
        };
        let mut members = Vec::new();
        if let Some(m) = latest.as_ref().filter(|m| m.status == MeetingStatus::Open) {
            let (o, policy) = (self.organisation(org)?, self.policy(org)?);
            for member in self.members(org)? {
                if member.exited_on.is_none() {
                    members.push(self.sheet_of(&o, &policy, m, member)?);
                }
            }
        }
        Ok(MeetingSheet {
            latest,
            next_date,
            cash_in_hand,
            members,
        })
    }

    /// One member's sheet at the open meeting. No open meeting is a conflict;
    /// a member the group does not have is not found.
    pub fn member_sheet(&self, org: Uuid, member_no: u32) -> Result<MemberSheet> {
        let open = self
            .latest_meeting(org)?
            .filter(|m| m.status == MeetingStatus::Open)
            .ok_or_else(|| Error::conflict("no meeting is open"))?;
        let member = self.member(org, member_no)?;
        let (o, policy) = (self.organisation(org)?, self.policy(org)?);
        self.sheet_of(&o, &policy, &open, member)
    }

    fn sheet_of(
        &self,
        o: &Organisation,
        policy: &Policy,
        meeting: &Meeting,
        member: Member,
    ) -> Result<MemberSheet> {
        let org = o.id;
        let no = member.member_no;
        let on = meeting.held_on;
        let mut loans = Vec::new();
        let mut unfinished_loans = Vec::new();
        for loan in self.member_loans(org, no)? {
            match loan.status {
                LoanStatus::Active => {
                    let standing = self.standing_of(o, policy, &loan, on)?;
                    loans.push(DueLoan {
                        loan_no: loan.loan_no,
                        outstanding_principal: standing.outstanding_principal,
                        due_now: standing.due_now,
                        payable_now: standing.payable_now,
                        days_past_due: standing.days_past_due,
                    });
                }
                LoanStatus::Applied | LoanStatus::Approved => unfinished_loans.push(loan.loan_no),
                LoanStatus::Closed | LoanStatus::WrittenOff => {}
            }
        }
        let presence = if meeting.present.contains(&no) {
            Presence::Present
        } else if meeting.absent.contains(&no) {
            Presence::Absent
        } else {
            Presence::Unmarked
        };
        Ok(MemberSheet {
            meeting_no: meeting.meeting_no,
            held_on: on,
            member_no: no,
            name: member.name,
            presence,
            savings_due: self.savings_arrears(org, no, on)?,
            fines_due: self.absence_fines_due(org, no, on)?,
            loans,
            unfinished_loans,
        })
    }
}
