//! `DaftarBook`'s reads: organisations, members, meetings, loans and every report.

use chrono::NaiveDate;
use daftar_core as core;
use uuid::Uuid;

use super::{period, DaftarBook};
use crate::error::Result;
use crate::types::crossing::{crossed, Crossing, FromCore, IntoCore};
use crate::types::*;
use core::books::{BalanceSheet, IncomeAndExpenditure, Period, ReceiptsAndPayments};
use core::Person;

#[uniffi::export]
impl DaftarBook {
    pub fn organisations(&self) -> Result<Vec<Organisation>> {
        crossed(self.book.organisations()?)
    }

    pub fn policy(&self, org: Uuid) -> Result<Policy> {
        let p = self.book.policy(org)?;
        let scale = self.book.organisation(org)?.currency.scale;
        Ok(Policy {
            meeting_frequency: p.meeting_frequency,
            compulsory_savings: core::money::from_minor(p.compulsory_savings, scale),
            withdrawals: p.withdrawals,
            allocation_order: p.allocation_order.to_vec(),
            late_penalty: LatePenalty::from_core(p.late_penalty, scale),
            grace_days: FromCore::from_core(p.grace_days, "grace_days")?,
            absence_fine: core::money::from_minor(p.absence_fine, scale),
            exit_nets_loans: p.exit_nets_loans,
            reversal_needs_approval: p.reversal_needs_approval,
            recovery_key: p.recovery_key.map(|k| k.to_string()),
            days_ahead_allowed: FromCore::from_core(p.days_ahead_allowed, "days_ahead_allowed")?,
        })
    }

    /// Everyone the organisation's book gives a role or a PIN, by name: whom a
    /// lock screen offers.
    pub fn people(&self, org: Uuid) -> Result<Vec<Person>> {
        Ok(self.book.people(org)?)
    }

    pub fn members(&self, org: Uuid) -> Result<Vec<Member>> {
        crossed(self.book.members(org)?)
    }

    /// Members whose name contains `query`; Arabic and Persian ی/ک match each other.
    pub fn find_members(&self, org: Uuid, query: String) -> Result<Vec<Member>> {
        crossed(self.book.find_members(org, &query)?)
    }

    pub fn meetings(&self, org: Uuid) -> Result<Vec<Meeting>> {
        crossed(self.book.meetings(org)?)
    }

    /// The meeting screen in one call, as of the phone's `today`.
    pub fn meeting_sheet(&self, org: Uuid, today: NaiveDate) -> Result<MeetingSheet> {
        crossed(self.book.meeting_sheet(org, today)?)
    }

    /// One member's sheet at the open meeting: her mark and every due, in one
    /// call. No open meeting is a conflict.
    pub fn member_sheet(&self, org: Uuid, member_no: i32) -> Result<MemberSheet> {
        let member_no = member_no.into_core("member_no")?;
        crossed(self.book.member_sheet(org, member_no)?)
    }

    pub fn loans(&self, org: Uuid) -> Result<Vec<Loan>> {
        let scale = self.book.organisation(org)?.currency.scale;
        let loans = self.book.loans(org)?.into_iter();
        Ok(loans
            .map(|l| Loan::from_core(l, scale))
            .collect::<Crossing<_>>()?)
    }

    pub fn loan_standing(&self, org: Uuid, loan_no: i32, as_of: NaiveDate) -> Result<LoanStanding> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(self.book.loan_standing(org, loan_no, as_of)?)
    }

    /// What a member owes at a meeting on `as_of`, to show and pre-fill.
    pub fn member_dues(&self, org: Uuid, member_no: i32, as_of: NaiveDate) -> Result<MemberDues> {
        let member_no = member_no.into_core("member_no")?;
        crossed(self.book.member_dues(org, member_no, as_of)?)
    }

    pub fn corrections(&self, org: Uuid) -> Result<Vec<Correction>> {
        crossed(self.book.corrections(org)?)
    }

    pub fn accounts(&self, org: Uuid) -> Result<Vec<AccountBalance>> {
        crossed(self.book.accounts(org)?)
    }

    /// The cash in hand as the book holds it (what a meeting's count is
    /// checked against), without naming the chart's account code.
    pub fn cash_in_hand(&self, org: Uuid) -> Result<rust_decimal::Decimal> {
        Ok(self.book.cash_in_hand(org)?)
    }

    pub fn trial_balance(&self, org: Uuid) -> Result<TrialBalance> {
        crossed(self.book.trial_balance(org)?)
    }

    /// The trial balance from the postings up to and including `as_of`.
    pub fn trial_balance_as_of(&self, org: Uuid, as_of: NaiveDate) -> Result<TrialBalance> {
        crossed(self.book.trial_balance_as_of(org, as_of)?)
    }

    /// The fiscal year containing `date`, in the organisation's calendar
    /// (1 April in India; 1 Farvardin, Solar Hijri, in Iran).
    pub fn fiscal_year(&self, org: Uuid, date: NaiveDate) -> Result<Period> {
        Ok(core::books::fiscal_year(
            &self.book.organisation(org)?,
            date,
        )?)
    }

    /// The latest business date in the organisation's log: the default "as of".
    pub fn last_business_date(&self, org: Uuid) -> Result<NaiveDate> {
        Ok(self.book.last_business_date(org)?)
    }

    /// A member's passbook: savings and loan with running balances.
    pub fn passbook(
        &self,
        org: Uuid,
        member_no: i32,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Passbook> {
        let member_no = member_no.into_core("member_no")?;
        crossed(self.book.passbook(org, member_no, period(from, to)?)?)
    }

    /// A member's passbook as a short message in her group's language, for
    /// the share sheet: her latest `lines` entries (at most 20) and balances.
    pub fn passbook_message(
        &self,
        org: Uuid,
        member_no: i32,
        from: NaiveDate,
        to: NaiveDate,
        lines: i32,
    ) -> Result<String> {
        let member_no = member_no.into_core("member_no")?;
        let lines = lines.into_core("lines")?;
        Ok(self
            .book
            .passbook_message(org, member_no, period(from, to)?, lines)?)
    }

    /// The cash book (`bank` false) or bank book (`bank` true), day by day.
    pub fn cash_book(
        &self,
        org: Uuid,
        bank: bool,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CashBook> {
        crossed(self.book.cash_book(org, bank, period(from, to)?)?)
    }

    pub fn loan_ledger(&self, org: Uuid, loan_no: i32) -> Result<LoanLedger> {
        let loan_no = loan_no.into_core("loan_no")?;
        crossed(self.book.loan_ledger(org, loan_no)?)
    }

    /// Outstanding, arrears, days-past-due buckets and PAR30 on `as_of`.
    pub fn portfolio(&self, org: Uuid, as_of: NaiveDate) -> Result<Portfolio> {
        crossed(self.book.portfolio(org, as_of)?)
    }

    pub fn receipts_and_payments(
        &self,
        org: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ReceiptsAndPayments> {
        Ok(self.book.receipts_and_payments(org, period(from, to)?)?)
    }

    pub fn income_and_expenditure(
        &self,
        org: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<IncomeAndExpenditure> {
        Ok(self.book.income_and_expenditure(org, period(from, to)?)?)
    }

    pub fn balance_sheet(&self, org: Uuid, as_of: NaiveDate) -> Result<BalanceSheet> {
        Ok(self.book.balance_sheet(org, as_of)?)
    }

    /// The monthly meeting report; `year` and `month` are in the organisation's calendar.
    pub fn monthly_report(&self, org: Uuid, year: i32, month: i32) -> Result<MonthlyReport> {
        let month = month.into_core("month")?;
        crossed(self.book.monthly_report(org, year, month)?)
    }

    /// Panchasutra grading of an SHG over a period, with how each score was computed.
    pub fn grade(&self, org: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Grading> {
        Ok(self.book.grade(org, period(from, to)?)?.into())
    }

    pub fn journal(&self, org: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<JournalEntry>> {
        crossed(self.book.journal(org, from, to)?)
    }
}
