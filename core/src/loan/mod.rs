//! Loans: terms and schedules (pure), allocation of repayments (pure), and status.

pub mod allocation;
pub mod schedule;

pub use allocation::{
    Allocation, AllocationLine, Component, InstalmentState, LatePenalty, PenaltyCharge,
    StandingFigures,
};
pub use schedule::{Frequency, Instalment, LoanTerms, Method, RatePeriod};
