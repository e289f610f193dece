//! The default chart of accounts per kind of organisation, and member sub-ledgers.
//!
//! Codes are stable: reports, exports and events refer to accounts by code.
//! A member sub-ledger's code is its header's code, a dash, and the member number
//! padded to four digits (`2100-0007` is member 7's savings).

use serde::{Deserialize, Serialize};

use crate::org::OrgKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountClass {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

impl AccountClass {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountClass::Asset => "asset",
            AccountClass::Liability => "liability",
            AccountClass::Equity => "equity",
            AccountClass::Income => "income",
            AccountClass::Expense => "expense",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "asset" => AccountClass::Asset,
            "liability" => AccountClass::Liability,
            "equity" => AccountClass::Equity,
            "income" => AccountClass::Income,
            "expense" => AccountClass::Expense,
            _ => return None,
        })
    }
    /// Assets and expenses carry debit balances; the rest carry credit balances.
    pub fn is_debit_normal(self) -> bool {
        matches!(self, AccountClass::Asset | AccountClass::Expense)
    }
}

/// Which way an account may not go past zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    None,
    /// The debit balance stays at or above zero (cash in hand, bank).
    DebitNonNegative,
    /// The credit balance stays at or above zero (a member's savings).
    CreditNonNegative,
}

impl Floor {
    pub fn as_str(self) -> &'static str {
        match self {
            Floor::None => "none",
            Floor::DebitNonNegative => "debit",
            Floor::CreditNonNegative => "credit",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "none" => Floor::None,
            "debit" => Floor::DebitNonNegative,
            "credit" => Floor::CreditNonNegative,
            _ => return None,
        })
    }
    /// Whether a signed balance (debit positive) is allowed.
    pub fn allows(self, balance: i64) -> bool {
        match self {
            Floor::None => true,
            Floor::DebitNonNegative => balance >= 0,
            Floor::CreditNonNegative => balance <= 0,
        }
    }
}

/// One account of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub code: String,
    pub name: &'static str,
    pub class: AccountClass,
    pub floor: Floor,
    /// True for a header whose balance lives in its member sub-ledgers.
    pub member_header: bool,
}

pub const CASH: &str = "1100";
pub const BANK: &str = "1200";
pub const MEMBER_LOANS: &str = "1300";
pub const MEMBER_SAVINGS: &str = "2100";
pub const MEMBER_VOLUNTARY: &str = "2110";
pub const CIF_PAYABLE: &str = "2200";
pub const VRF_PAYABLE: &str = "2250";
pub const BANK_LOANS: &str = "2300";
pub const REVOLVING_FUND: &str = "3100";
pub const OPENING_EQUITY: &str = "3900";
pub const LOAN_INTEREST: &str = "4100";
pub const LOAN_PENALTIES: &str = "4200";
pub const ABSENCE_FINES: &str = "4210";
pub const MEMBERSHIP_FEES: &str = "4300";
pub const CASH_EXCESS: &str = "4800";
pub const BORROWING_INTEREST: &str = "5500";
pub const WRITE_OFFS: &str = "5600";
pub const CASH_SHORTAGE: &str = "5800";

/// The member sub-ledger headers, in the order `member_accounts` creates them.
pub const MEMBER_HEADERS: [&str; 3] = [MEMBER_LOANS, MEMBER_SAVINGS, MEMBER_VOLUNTARY];

fn acc(code: &str, name: &'static str, class: AccountClass) -> AccountSpec {
    AccountSpec {
        code: code.to_string(),
        name,
        class,
        floor: Floor::None,
        member_header: false,
    }
}

/// The accounts every new organisation of `kind` starts with.
pub fn default_chart(kind: OrgKind) -> Vec<AccountSpec> {
    use AccountClass::*;
    let header = |code: &str, name: &'static str, class| AccountSpec {
        member_header: true,
        ..acc(code, name, class)
    };
    let mut v = vec![
        AccountSpec {
            floor: Floor::DebitNonNegative,
            ..acc(CASH, "Cash in hand", Asset)
        },
        AccountSpec {
            floor: Floor::DebitNonNegative,
            ..acc(BANK, "Bank account", Asset)
        },
        header(MEMBER_LOANS, "Loans to members", Asset),
        header(MEMBER_SAVINGS, "Members' compulsory savings", Liability),
        header(MEMBER_VOLUNTARY, "Members' voluntary savings", Liability),
        acc(BANK_LOANS, "Bank loans and cash credit", Liability),
        acc(
            OPENING_EQUITY,
            "Accumulated surplus and opening balances",
            Equity,
        ),
        acc(LOAN_PENALTIES, "Penalties on late repayment", Income),
        acc(ABSENCE_FINES, "Absence fines", Income),
        acc(MEMBERSHIP_FEES, "Membership fees", Income),
        acc("4400", "Bank interest", Income),
        acc(CASH_EXCESS, "Cash excess at meetings", Income),
        acc("4900", "Other income", Income),
        acc("5100", "Bank charges", Expense),
        acc("5200", "Meeting and stationery expenses", Expense),
        acc(BORROWING_INTEREST, "Interest on borrowings", Expense),
        acc(WRITE_OFFS, "Loans written off", Expense),
        acc(CASH_SHORTAGE, "Cash shortage at meetings", Expense),
        acc("5900", "Other expenses", Expense),
    ];
    match kind {
        OrgKind::Shg => v.extend([
            acc(
                CIF_PAYABLE,
                "Community Investment Fund payable to VO",
                Liability,
            ),
            acc(
                VRF_PAYABLE,
                "Vulnerability Reduction Fund payable to VO",
                Liability,
            ),
            acc(REVOLVING_FUND, "Revolving Fund", Equity),
            acc(LOAN_INTEREST, "Interest on internal loans", Income),
        ]),
        OrgKind::Vo | OrgKind::Clf => v.extend([
            acc(
                "1400",
                "Community Investment Fund lent to member groups",
                Asset,
            ),
            acc(CIF_PAYABLE, "Community Investment Fund received", Liability),
            acc(
                VRF_PAYABLE,
                "Vulnerability Reduction Fund received",
                Liability,
            ),
            acc(REVOLVING_FUND, "Grants and capital", Equity),
            acc(LOAN_INTEREST, "Interest on loans", Income),
            acc("5300", "Staff honorarium", Expense),
        ]),
        OrgKind::Ngo => v.extend([
            acc(REVOLVING_FUND, "Corpus and capital grants", Equity),
            acc(LOAN_INTEREST, "Interest on loans to members", Income),
            acc("4500", "Donations and grants", Income),
            acc("5400", "Programme expenses", Expense),
        ]),
        OrgKind::Fund => v.extend([
            acc(REVOLVING_FUND, "Founders' capital", Equity),
            acc(LOAN_INTEREST, "Service fees (qard al-hasan)", Income),
            acc("5300", "Staff and office expenses", Expense),
        ]),
    }
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v
}

/// The English name of the member header a member's own account
/// (`2100-0007`) sits under; None for any other code. Member headers are the
/// same in every kind's default chart.
pub fn member_header_name(code: &str) -> Option<&'static str> {
    let (header, _) = code.split_once('-')?;
    default_chart(OrgKind::Shg)
        .into_iter()
        .find(|a| a.member_header && a.code == header)
        .map(|a| a.name)
}

/// A member's sub-ledger under a header such as `2100` (savings) or `1300` (loans).
pub fn member_account(header: &str, member_no: u32) -> String {
    format!("{header}-{member_no:04}")
}

/// The sub-ledgers every new member gets, under `MEMBER_HEADERS` in order.
pub fn member_accounts(member_no: u32) -> Vec<AccountSpec> {
    let sub = |header: &str, name: &'static str, class, floor| AccountSpec {
        code: member_account(header, member_no),
        name,
        class,
        floor,
        member_header: false,
    };
    vec![
        sub(
            MEMBER_LOANS,
            "Loan to member",
            AccountClass::Asset,
            Floor::DebitNonNegative,
        ),
        sub(
            MEMBER_SAVINGS,
            "Compulsory savings of member",
            AccountClass::Liability,
            Floor::CreditNonNegative,
        ),
        sub(
            MEMBER_VOLUNTARY,
            "Voluntary savings of member",
            AccountClass::Liability,
            Floor::CreditNonNegative,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_cash_bank_and_member_headers_with_unique_codes() {
        for kind in [
            OrgKind::Shg,
            OrgKind::Vo,
            OrgKind::Clf,
            OrgKind::Ngo,
            OrgKind::Fund,
        ] {
            let chart = default_chart(kind);
            let mut codes: Vec<_> = chart.iter().map(|a| a.code.clone()).collect();
            codes.dedup();
            assert_eq!(codes.len(), chart.len(), "{kind:?} has duplicate codes");
            for c in [CASH, BANK, MEMBER_LOANS, MEMBER_SAVINGS] {
                assert!(codes.iter().any(|x| x == c), "{kind:?} lacks {c}");
            }
        }
    }

    #[test]
    fn cash_may_not_go_below_zero_and_savings_may_not_turn_debit() {
        let chart = default_chart(OrgKind::Shg);
        let cash = chart.iter().find(|a| a.code == CASH).unwrap();
        assert!(!cash.floor.allows(-1));
        let sav = &member_accounts(3)[1];
        assert_eq!(sav.code, "2100-0003");
        assert!(sav.floor.allows(-500));
        assert!(!sav.floor.allows(1));
    }
}
