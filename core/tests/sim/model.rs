//! The model of one organisation, kept apart from the core, and what a run
//! exercised.

/// One savings entry, or its reversal, as the model sees it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// The seq its event got; 0 while only planned.
    pub(crate) seq: u64,
    pub(crate) account: String,
    /// What it did to the member's savings and to cash in hand, in rupees.
    pub(crate) amount: i64,
    pub(crate) cash: i64,
    pub(crate) reverses: Option<u64>,
    /// The loan a payout or a repayment moved.
    pub(crate) loan: Option<u32>,
}

/// What must be true of one organisation, whatever the faults: a model kept
/// apart from the core, of every member's savings and the cash in hand.
#[derive(Default, Clone)]
pub(crate) struct OrgModel {
    /// The phone that holds custody, and so alone writes.
    pub(crate) custodian: usize,
    pub(crate) entries: Vec<Entry>,
    /// Events a phone wrote after losing custody: never in the chain.
    pub(crate) stale_writes: u32,
    /// Members who have left, with their exit's seq: no command names them again.
    pub(crate) exited: Vec<(u32, u64)>,
    /// The cut-off's and the exits' seqs: settlements, never reversed here.
    pub(crate) settled: Vec<u64>,
}

impl OrgModel {
    pub(crate) fn balance(&self, account: &str) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.account == account)
            .map(|e| e.amount)
            .sum()
    }
    pub(crate) fn cash(&self) -> i64 {
        self.entries.iter().map(|e| e.cash).sum()
    }
    /// Members still in the group.
    pub(crate) fn active(&self) -> Vec<u32> {
        (1..=super::MEMBERS)
            .filter(|m| !self.exited.iter().any(|(x, _)| x == m))
            .collect()
    }
    /// Whether `account` (a member's sub-ledger, `CODE-NNNN`) is an exited member's.
    pub(crate) fn of_exited(&self, account: &str) -> bool {
        self.exited
            .iter()
            .any(|(m, _)| account.ends_with(&format!("-{m:04}")))
    }
    /// The figures a server's books must show of this organisation.
    pub(crate) fn expected(&self, org: uuid::Uuid) -> super::Expected {
        let sum = |prefixes: &[&str]| -> i64 {
            self.entries
                .iter()
                .filter(|e| prefixes.iter().any(|p| e.account.starts_with(p)))
                .map(|e| e.amount)
                .sum()
        };
        super::Expected {
            org,
            members: self.active().len(),
            savings: sum(&["2100-", "2110-"]),
            loans: sum(&["1300-"]),
        }
    }
    /// What a lost phone took with it: everything after `held`, the server's head.
    pub(crate) fn forget_after(&mut self, held: u64) {
        self.entries.retain(|e| e.seq <= held);
        self.exited.retain(|(_, seq)| *seq <= held);
        self.settled.retain(|seq| *seq <= held);
    }
    pub(crate) fn reversed(&self, seq: u64) -> bool {
        self.entries.iter().any(|e| e.reverses == Some(seq))
    }
    /// Each loan still outstanding: its number, member's loan account, and
    /// what is left of its principal.
    pub(crate) fn open_loans(&self) -> Vec<(u32, String, i64)> {
        let mut loans: std::collections::BTreeMap<u32, (String, i64)> = Default::default();
        for e in self.entries.iter().filter(|e| e.loan.is_some()) {
            let l = loans
                .entry(e.loan.unwrap_or_default())
                .or_insert((e.account.clone(), 0));
            l.1 += e.amount;
        }
        loans
            .into_iter()
            .filter(|(_, l)| l.1 > 0)
            .map(|(n, (a, left))| (n, a, left))
            .collect()
    }
}

/// What a run exercised, so a test can insist the faults really happened.
#[derive(Default, Debug, Clone, Copy)]
pub(crate) struct Stats {
    pub(crate) writes: u32,
    pub(crate) refused_writes: u32,
    pub(crate) refused_chunks: u32,
    pub(crate) lost_acks: u32,
    pub(crate) hand_overs: u32,
    pub(crate) lost_phones: u32,
    pub(crate) stale_writes_refused: u32,
    pub(crate) restarts: u32,
    pub(crate) meetings: u32,
    pub(crate) meetings_left_open: u32,
    pub(crate) crashes: u32,
    pub(crate) loans: u32,
    pub(crate) refused_commands: u32,
    pub(crate) exits: u32,
    pub(crate) cutoffs: u32,
    /// The server killed and restarted between two steps.
    pub(crate) server_crashes: u32,
}

impl std::ops::AddAssign for Stats {
    fn add_assign(&mut self, o: Stats) {
        self.writes += o.writes;
        self.refused_writes += o.refused_writes;
        self.refused_chunks += o.refused_chunks;
        self.lost_acks += o.lost_acks;
        self.hand_overs += o.hand_overs;
        self.lost_phones += o.lost_phones;
        self.stale_writes_refused += o.stale_writes_refused;
        self.restarts += o.restarts;
        self.meetings += o.meetings;
        self.meetings_left_open += o.meetings_left_open;
        self.loans += o.loans;
        self.refused_commands += o.refused_commands;
        self.crashes += o.crashes;
        self.exits += o.exits;
        self.cutoffs += o.cutoffs;
        self.server_crashes += o.server_crashes;
    }
}
