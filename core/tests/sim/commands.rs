//! The book keepers' commands, valid and invalid, with what each does to the model; and the app killed after a chosen commit.

use super::*;
use daftar_core::event::SavingsFund;
use daftar_core::lending::{LoanRequest, Repayment};
use daftar_core::loan::{Frequency, Method, RatePeriod};
use daftar_core::*;
use rust_decimal::Decimal;

impl World {
    /// The next command a book keeper might give, valid against `model`: a
    /// deposit, a withdrawal the savings and the cash allow, or the reversal of
    /// an earlier entry; with what it does to the model.
    pub(crate) fn plan(&mut self, o: usize, model: &OrgModel) -> (Command, Entry) {
        let org = self.orgs[o];
        let reversible: Vec<&Entry> = model
            .entries
            .iter()
            .filter(|e| {
                e.seq > 0
                    && e.loan.is_none()
                    && e.reverses.is_none()
                    && !model.reversed(e.seq)
                    && !model.settled.contains(&e.seq)
                    && !model.of_exited(&e.account)
            })
            .filter(|e| {
                e.amount < 0 || (model.balance(&e.account) >= e.amount && model.cash() >= e.cash)
            })
            .collect();
        if !reversible.is_empty() && self.rng.u8(0..6) == 0 {
            let e = reversible[self.rng.usize(0..reversible.len())];
            let command = Command::ReverseEntry {
                org,
                seq: e.seq,
                date: self.date,
                reason: "entered twice".into(),
            };
            let undo = Entry {
                seq: 0,
                account: e.account.clone(),
                amount: -e.amount,
                cash: -e.cash,
                reverses: Some(e.seq),
                loan: None,
            };
            return (command, undo);
        }
        let loans = model.open_loans();
        if !loans.is_empty() && self.rng.u8(0..4) == 0 {
            let (loan_no, account, left) = loans[self.rng.usize(0..loans.len())].clone();
            let amount = 1 + self.rng.i64(0..left);
            let command = Command::RepayLoan {
                org,
                loan_no,
                repayment: Repayment {
                    date: self.date,
                    via: Via::Cash,
                    amount: Decimal::from(amount),
                },
            };
            // Lent free of interest and penalties: all of it is principal.
            let effect = Entry {
                seq: 0,
                account,
                amount: -amount,
                cash: amount,
                reverses: None,
                loan: Some(loan_no),
            };
            return (command, effect);
        }
        let active = model.active();
        let member = active[self.rng.usize(0..active.len())];
        let fund = if self.rng.bool() {
            SavingsFund::Compulsory
        } else {
            SavingsFund::Voluntary
        };
        let account = savings_account(fund, member);
        let most = model.balance(&account).min(model.cash());
        let withdraw = most > 0 && self.rng.u8(0..4) == 0;
        let amount = if withdraw {
            1 + self.rng.i64(0..most)
        } else {
            1 + self.rng.i64(0..500)
        };
        let entry = SavingsEntry {
            date: self.date,
            member_no: member,
            via: Via::Cash,
            amount: Decimal::from(amount),
            fund,
        };
        let signed = if withdraw { -amount } else { amount };
        let command = if withdraw {
            Command::WithdrawSavings { org, entry }
        } else {
            Command::DepositSavings { org, entry }
        };
        let effect = Entry {
            seq: 0,
            account,
            amount: signed,
            cash: signed,
            reverses: None,
            loan: None,
        };
        (command, effect)
    }

    /// A command the book must refuse, changing nothing: a withdrawal of more
    /// than the member's savings, or a repayment of more than is owed.
    pub(crate) fn invalid(&mut self, o: usize) {
        let (org, c) = (self.orgs[o], self.model[o].custodian);
        let member = 1 + self.rng.u32(0..MEMBERS);
        let account = savings_account(SavingsFund::Voluntary, member);
        let too_much = self.model[o].balance(&account) + 1 + self.rng.i64(0..100);
        let command = match self.model[o].open_loans().first() {
            Some((loan_no, _, left)) if self.rng.bool() => Command::RepayLoan {
                org,
                loan_no: *loan_no,
                repayment: Repayment {
                    date: self.date,
                    via: Via::Cash,
                    amount: Decimal::from(left + 1),
                },
            },
            _ => Command::WithdrawSavings {
                org,
                entry: SavingsEntry {
                    date: self.date,
                    member_no: member,
                    via: Via::Cash,
                    amount: Decimal::from(too_much),
                    fund: SavingsFund::Voluntary,
                },
            },
        };
        let head = self.book(c).chain_head(org).unwrap();
        let e = self.book(c).execute(&on(&self.phones[c]), command.clone());
        assert!(e.is_err(), "{command:?} was recorded");
        assert_eq!(
            self.book(c).chain_head(org).unwrap(),
            head,
            "a refusal wrote"
        );
        self.stats.refused_commands += 1;
    }

    /// One command by the custodian, which the model records with its seq; and
    /// now and then the same by another phone that holds the book, refused.
    pub(crate) fn write(&mut self, o: usize) {
        let c = self.model[o].custodian;
        let model = self.model[o].clone();
        let (command, mut effect) = self.plan(o, &model);
        let out = self
            .book(c)
            .execute(&on(&self.phones[c]), command.clone())
            .unwrap_or_else(|e| {
                panic!("the custodian phone-{c} could not record {command:?}: {e}")
            });
        effect.seq = out.seq;
        self.model[o].entries.push(effect);
        self.stats.writes += 1;
        let other = (c + 1 + self.rng.usize(0..PHONES - 1)) % PHONES;
        if self.holds(other, o) {
            let e = self
                .book(other)
                .execute(&on(&self.phones[other]), command)
                .unwrap_err();
            assert!(
                e.to_string().contains("not_writer"),
                "phone-{other} wrote without custody: {e}"
            );
            self.stats.refused_writes += 1;
        }
    }

    /// A meeting: opened, a command or two inside it, closed with the cash
    /// counted as the model has it, so no excess or shortage.
    pub(crate) fn meeting(&mut self, o: usize) {
        let (org, c) = (self.orgs[o], self.model[o].custodian);
        let opened = self
            .book(c)
            .open_meeting(&on(&self.phones[c]), org, self.date);
        let Ok(opened) = opened else {
            return; // a meeting on this date already: tomorrow, then
        };
        for _ in 0..self.rng.u8(0..3) {
            self.write(o);
        }
        let cash = self.model[o].cash();
        if cash > 0 && self.rng.bool() {
            let active = self.model[o].active();
            let member = active[self.rng.usize(0..active.len())];
            let principal = 1 + self.rng.i64(0..cash);
            let terms = LoanRequest {
                principal: Decimal::from(principal),
                rate: Decimal::ZERO,
                rate_period: RatePeriod::Year,
                term: 4,
                frequency: Frequency::Monthly,
                method: Method::Flat,
                reference: None,
            };
            let out = self
                .book(c)
                .sanction_loan(
                    &on(&self.phones[c]),
                    org,
                    member,
                    self.date,
                    terms,
                    Via::Cash,
                )
                .unwrap_or_else(|e| panic!("a loan of {principal} with {cash} in hand: {e}"));
            self.model[o].entries.push(Entry {
                seq: out.seq,
                account: format!("1300-{member:04}"),
                amount: principal,
                cash: -principal,
                reverses: None,
                loan: out.number,
            });
            self.stats.loans += 1;
        }
        let counted = Decimal::from(self.model[o].cash());
        self.book(c)
            .close_meeting(
                &on(&self.phones[c]),
                org,
                opened.number.unwrap(),
                counted,
                None,
            )
            .unwrap_or_else(|e| panic!("closing a meeting with the model's cash: {e}"));
        self.stats.meetings += 1;
    }

    /// A member leaves, with no loan left and savings the cash box can pay
    /// back: her savings go to zero and the cash out. One member always stays.
    pub(crate) fn exit(&mut self, o: usize) {
        let (org, c) = (self.orgs[o], self.model[o].custodian);
        let model = &self.model[o];
        let funds = [SavingsFund::Compulsory, SavingsFund::Voluntary];
        let leaving: Vec<u32> = model
            .active()
            .into_iter()
            .filter(|m| {
                let borrowing = model
                    .open_loans()
                    .iter()
                    .any(|l| l.1 == format!("1300-{m:04}"));
                let savings: i64 = funds
                    .iter()
                    .map(|f| model.balance(&savings_account(*f, *m)))
                    .sum();
                !borrowing && savings <= model.cash()
            })
            .collect();
        if model.active().len() < 2 || leaving.is_empty() {
            return;
        }
        let member = leaving[self.rng.usize(0..leaving.len())];
        let out = self
            .book(c)
            .exit_member(&on(&self.phones[c]), org, member, self.date, Via::Cash)
            .unwrap_or_else(|e| panic!("member {member} could not leave: {e}"));
        for fund in funds {
            let account = savings_account(fund, member);
            let paid = self.model[o].balance(&account);
            self.model[o].entries.push(Entry {
                seq: out.seq,
                account,
                amount: -paid,
                cash: -paid,
                reverses: None,
                loan: None,
            });
        }
        self.model[o].exited.push((member, out.seq));
        self.model[o].settled.push(out.seq);
        self.stats.exits += 1;
    }

    /// The custodian's app is killed right after the `j`-th of `k` commands
    /// commits (a child process that aborts), then reopens its book and gives
    /// all `k` again with the same op_ids, as an app retries unanswered work:
    /// the first `j` are answered as before, the rest recorded once.
    pub(crate) fn crash(&mut self, o: usize) {
        let c = self.model[o].custodian;
        let k = 1 + self.rng.usize(0..5);
        let j = self.rng.usize(0..=k);
        let mut tentative = self.model[o].clone();
        let mut planned = Vec::new();
        for _ in 0..k {
            let (command, effect) = self.plan(o, &tentative);
            tentative.entries.push(effect.clone());
            planned.push((on(&self.phones[c]), command, effect));
        }
        let file = self.phones[c].path.with_extension("commands.jsonl");
        let lines: Vec<String> = planned
            .iter()
            .map(|(m, command, _)| {
                serde_json::json!({"op_id": m.op_id, "device": m.device, "command": command})
                    .to_string()
            })
            .collect();
        std::fs::write(&file, lines.join("\n")).unwrap();
        let org = self.orgs[o];
        let before = self.book(c).chain_head(org).unwrap().0;
        self.phones[c].book.take().unwrap().close().unwrap();
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "simulator_crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DAFTAR_SIM_CHILD_BOOK", &self.phones[c].path)
            .env("DAFTAR_SIM_CHILD_COMMANDS", &file)
            .env("DAFTAR_SIM_CHILD_ABORT_AFTER", j.to_string())
            .output()
            .unwrap();
        assert_eq!(
            child.status.success(),
            j == k,
            "{}",
            String::from_utf8_lossy(&child.stderr)
        );
        self.phones[c].book = Some(Book::open(&self.phones[c].path).unwrap());
        let after = self.book(c).chain_head(org).unwrap().0;
        assert_eq!(
            after,
            before + j as u64,
            "the killed app recorded other than its {j} commits: {}",
            String::from_utf8_lossy(&child.stderr)
        );
        for (i, (m, command, mut effect)) in planned.into_iter().enumerate() {
            let out = self.book(c).execute(&m, command).unwrap();
            assert_eq!(
                out.replayed,
                i < j,
                "command {i} of {k} after a crash at {j}"
            );
            effect.seq = out.seq;
            self.model[o].entries.push(effect);
        }
        self.stats.crashes += 1;
    }
}
