//! The values event bodies are made of: which savings fund, which lender,
//! which charge, and the bodies of the cut-off and of a member's exit. Their
//! serde forms are part of the canonical bytes (`docs/chain-format.md`).

use serde::{Deserialize, Serialize};

use crate::chart::{
    ABSENCE_FINES, BANK_LOANS, CIF_PAYABLE, MEMBERSHIP_FEES, MEMBER_SAVINGS, MEMBER_VOLUNTARY,
    VRF_PAYABLE,
};
use crate::error::{Error, Result};
use crate::loan::allocation::Allocation;
use crate::loan::{Instalment, LoanTerms};

/// Which savings a deposit or withdrawal moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SavingsFund {
    #[default]
    Compulsory,
    Voluntary,
}

impl SavingsFund {
    pub fn is_compulsory(&self) -> bool {
        *self == SavingsFund::Compulsory
    }
    pub fn header(self) -> &'static str {
        match self {
            SavingsFund::Compulsory => MEMBER_SAVINGS,
            SavingsFund::Voluntary => MEMBER_VOLUNTARY,
        }
    }
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "compulsory" => Ok(SavingsFund::Compulsory),
            "voluntary" => Ok(SavingsFund::Voluntary),
            _ => Err(Error::invalid(
                "fund",
                format!("{s:?} is not compulsory or voluntary"),
            )),
        }
    }
}

/// Where the organisation's own borrowing comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FacilitySource {
    /// Community Investment Fund lent by the VO or CLF.
    Cif,
    /// A bank term loan.
    BankLoan,
    /// Vulnerability Reduction Fund from the VO (an SHG's) or the mission (a
    /// federation's): its own payable, apart from CIF.
    Vrf,
}

impl FacilitySource {
    pub fn account(self) -> &'static str {
        match self {
            FacilitySource::Cif => CIF_PAYABLE,
            FacilitySource::BankLoan => BANK_LOANS,
            FacilitySource::Vrf => VRF_PAYABLE,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FacilitySource::Cif => "cif",
            FacilitySource::BankLoan => "bank-loan",
            FacilitySource::Vrf => "vrf",
        }
    }
}

/// A fee or fine a member pays, each to its own income account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberCharge {
    MembershipFee,
    AbsenceFine,
}

impl MemberCharge {
    pub fn account(self) -> &'static str {
        match self {
            MemberCharge::MembershipFee => MEMBERSHIP_FEES,
            MemberCharge::AbsenceFine => ABSENCE_FINES,
        }
    }
}

/// Opening balances of a group that kept paper books before daftar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutoffBody {
    pub cash: i64,
    pub bank: i64,
    pub revolving_fund: i64,
    /// Accumulated surplus (negative for a deficit) that makes the books balance.
    pub surplus: i64,
    pub members: Vec<CutoffMember>,
    pub facilities: Vec<CutoffFacility>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutoffMember {
    pub member_no: u32,
    pub compulsory: i64,
    pub voluntary: i64,
    pub loans: Vec<CutoffLoan>,
}

/// A member loan carried over: what is outstanding now, with the terms and
/// schedule for the rest, and any arrears as an instalment already due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutoffLoan {
    pub loan_no: u32,
    pub terms: LoanTerms,
    pub schedule: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutoffFacility {
    pub loan_no: u32,
    pub source: FacilitySource,
    pub terms: LoanTerms,
    pub schedule: Vec<Instalment>,
}

/// A member's exit: savings paid back net of loans settled from them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitBody {
    pub member_no: u32,
    pub via: String,
    pub compulsory: i64,
    pub voluntary: i64,
    pub settled: Vec<ExitSettlement>,
    pub refund: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitSettlement {
    pub loan_no: u32,
    pub allocation: Allocation,
}
