//! A realistic sample book, the same for the same seed: two SHGs in India with a
//! year of weekly meetings (savings, loans, repayments, some late, one exit), and
//! a community loan fund in Iran with a year of monthly meetings. At CLF scale
//! ([`Scale::CLF`]), 250 such SHGs with three years of weekly meetings each.
//!
//! Built in bulk mode ([`Book::begin_bulk`]): every command is validated and
//! recorded as the app would, but commits are shared.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::book::{Book, CommandMeta, Outcome};
use crate::commands::{CashTransfer, SavingsEntry, Via, Voucher};
use crate::error::{Error, Result};
use crate::event::{MemberCharge, SavingsFund};
use crate::lending::{LoanRequest, LoanStatus, Repayment};
use crate::loan::{Frequency, LatePenalty, Method, RatePeriod};
use crate::member::{MemberRole, NewMember};
use crate::money::{from_minor, Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, NewOrganisation, OrgKind};
use crate::policy::{ActorRole, Policy, Withdrawals};
use crate::settlement::ChargeEntry;

const HINDI_NAMES: &[&str] = &[
    "सीता देवी",
    "गीता कुमारी",
    "सुनीता यादव",
    "राधा देवी",
    "कमला बाई",
    "लक्ष्मी देवी",
    "सरिता कुमारी",
    "पूजा देवी",
    "मीना देवी",
    "अनीता सिंह",
    "रेखा देवी",
    "सुमन कुमारी",
    "उषा देवी",
    "ममता देवी",
    "शांति देवी",
    "पार्वती देवी",
    "गंगा देवी",
    "सावित्री बाई",
    "किरण कुमारी",
    "आशा देवी",
    "ज्योति कुमारी",
    "बबीता देवी",
];

/// Persian names; two are typed with Arabic ي and ك, as Arabic keyboards do.
const PERSIAN_NAMES: &[&str] = &[
    "زهرا احمدی",
    "فاطمه محمدی",
    "مریم حسینی",
    "علي رضايي",
    "محمد کریمی",
    "سارا موسوی",
    "رضا جعفری",
    "نرگس كاظمی",
];

/// The approver of every demo organisation (a cluster coordinator).
pub const DEMO_APPROVER: &str = "cc-meena";

/// What `build` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBook {
    pub organisations: Vec<Uuid>,
    pub events: u64,
}

struct Gen<'a> {
    book: &'a Book,
    rng: fastrand::Rng,
    events: u64,
    expected: u64,
    progress: crate::verify::Progress<'a>,
}

const EXPECTED_EVENTS: u64 = 6500;

/// How big a scaled demo is: SHGs, members in each, weeks of meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub shgs: u32,
    pub members: u32,
    pub weeks: u32,
}

impl Scale {
    /// A cluster-level federation's books: 250 SHGs of 12 members, 3 years of weekly meetings.
    pub const CLF: Scale = Scale {
        shgs: 250,
        members: 12,
        weeks: 156,
    };
    /// Limits, so a typo cannot ask for a book that fills the disk.
    const MAX_SHGS: u32 = 5_000;
    const MAX_MEMBERS: u32 = 40;
    const MAX_WEEKS: u32 = 520;

    /// `clf`, or `SHGSxMEMBERSxWEEKS` such as `10x12x52`.
    pub fn parse(s: &str) -> Result<Scale> {
        if s == "clf" {
            return Ok(Scale::CLF);
        }
        let bad = || {
            Error::invalid(
                "scale",
                format!("{s:?} is not clf or SHGSxMEMBERSxWEEKS (e.g. 10x12x52)"),
            )
        };
        let parts: Vec<u32> = s
            .split('x')
            .map(|p| p.parse::<u32>().map_err(|_| bad()))
            .collect::<Result<_>>()?;
        let [shgs, members, weeks] = parts[..] else {
            return Err(bad());
        };
        // The exit happens in week 41 and needs a member besides the leaver.
        if !(1..=Self::MAX_SHGS).contains(&shgs)
            || !(2..=Self::MAX_MEMBERS).contains(&members)
            || !(41..=Self::MAX_WEEKS).contains(&weeks)
        {
            return Err(Error::invalid(
                "scale",
                format!(
                    "{s:?}: 1 to {} SHGs, 2 to {} members, 41 to {} weeks",
                    Self::MAX_SHGS,
                    Self::MAX_MEMBERS,
                    Self::MAX_WEEKS
                ),
            ));
        }
        Ok(Scale {
            shgs,
            members,
            weeks,
        })
    }

    /// About how many events a build makes (for progress): some 2.7 per member and
    /// 5 more per SHG each week.
    fn expected_events(&self) -> u64 {
        u64::from(self.shgs) * u64::from(self.weeks) * (u64::from(self.members) * 27 / 10 + 5)
    }
}

impl Gen<'_> {
    fn uuid(&mut self) -> Uuid {
        let mut b = [0u8; 16];
        self.rng.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid()
    }

    /// Moves money between the cash box and the bank.
    fn transfer(
        &mut self,
        org: Uuid,
        keeper: &str,
        day: NaiveDate,
        (from, to): (Via, Via),
        amount: Decimal,
        narration: &str,
    ) -> Result<Outcome> {
        let m = self.meta(keeper, day);
        let t = CashTransfer {
            date: day,
            from,
            to,
            amount,
            narration: narration.into(),
        };
        self.run(self.book.transfer(&m, org, t))
    }

    fn meta(&mut self, actor: &str, date: NaiveDate) -> CommandMeta {
        let minutes = self.rng.u32(0..240);
        let at = date
            .and_hms_opt(9 + minutes / 60, minutes % 60, 0)
            .unwrap_or_default();
        CommandMeta {
            op_id: self.uuid(),
            actor: actor.to_string(),
            device: "demo-phone".to_string(),
            recorded_at: Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        }
    }

    /// Creates an organisation with its policy and the demo approver.
    fn set_up_org(&mut self, keeper: &str, new: NewOrganisation, policy: Policy) -> Result<Uuid> {
        let (org, start) = (new.id, new.opened_on);
        let m = self.meta(keeper, start);
        self.run(self.book.create_organisation(&m, new))?;
        let m = self.meta(keeper, start);
        self.run(self.book.set_policy(&m, org, start, policy))?;
        let m = self.meta(keeper, start);
        self.run(
            self.book
                .set_role(&m, org, start, DEMO_APPROVER, ActorRole::Approver),
        )?;
        Ok(org)
    }

    fn run(&mut self, r: Result<Outcome>) -> Result<Outcome> {
        let o = r?;
        self.events += 1;
        if self.events.is_multiple_of(256)
            && !(self.progress)(self.events, self.expected.max(self.events))
        {
            return Err(Error::Cancelled);
        }
        Ok(o)
    }
}

/// Builds the demo into `book`, which must be empty.
/// Progress may cancel the build; what was recorded so far stays in the book.
pub fn build(book: &Book, seed: u64, progress: crate::verify::Progress<'_>) -> Result<DemoBook> {
    in_bulk(book, seed, EXPECTED_EVENTS, progress, |g| {
        let mut orgs = Vec::new();
        for (name, members, locale) in [
            ("सरस्वती स्वयं सहायता समूह", 12usize, Locale::HiIn),
            ("लक्ष्मी महिला स्वयं सहायता समूह", 10, Locale::EnIn),
        ] {
            orgs.push(shg_year(g, name, members, locale, 52, date(2024, 4, 1)?)?);
        }
        orgs.push(fund_year(g)?);
        Ok(orgs)
    })
}

/// Builds `scale.shgs` SHGs into `book`, which must be empty, each with
/// `scale.weeks` weeks of meetings from 3 April 2023: the same life as the demo's
/// SHGs (savings, loans, late payments, a shortage, an exit), at scale.
pub fn build_scaled(
    book: &Book,
    seed: u64,
    scale: Scale,
    progress: crate::verify::Progress<'_>,
) -> Result<DemoBook> {
    in_bulk(book, seed, scale.expected_events(), progress, |g| {
        let mut orgs = Vec::new();
        for n in 1..=scale.shgs {
            let village = HINDI_NAMES[(n as usize * 7) % HINDI_NAMES.len()];
            let name = format!("{village} स्वयं सहायता समूह {n:04}");
            let locale = if n % 2 == 0 {
                Locale::EnIn
            } else {
                Locale::HiIn
            };
            orgs.push(shg_year(
                g,
                &name,
                scale.members as usize,
                locale,
                i64::from(scale.weeks),
                date(2023, 4, 3)?,
            )?);
        }
        Ok(orgs)
    })
}

fn in_bulk(
    book: &Book,
    seed: u64,
    expected: u64,
    progress: crate::verify::Progress<'_>,
    make: impl FnOnce(&mut Gen<'_>) -> Result<Vec<Uuid>>,
) -> Result<DemoBook> {
    if book.event_count()? > 0 {
        return Err(Error::conflict("the demo is built into an empty book only"));
    }
    let mut g = Gen {
        book,
        rng: fastrand::Rng::with_seed(seed),
        events: 0,
        expected,
        progress,
    };
    book.begin_bulk()?;
    let made = make(&mut g);
    // Commit what was recorded, even when cancelled or refused part way.
    book.finish_bulk()?;
    let organisations = made?;
    let events = g.events;
    if !(g.progress)(events, events) {
        return Err(Error::Cancelled);
    }
    Ok(DemoBook {
        organisations,
        events,
    })
}

fn d(minor: i64, scale: u32) -> Decimal {
    from_minor(minor, scale)
}

fn date(y: i32, m: u32, day: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| Error::invalid("date", "demo date"))
}

/// Pays what each present member owes on their loans; now and then a member
/// pays nothing and falls behind, to pay later with a penalty.
fn repayments(
    g: &mut Gen<'_>,
    org: Uuid,
    keeper: &str,
    day: NaiveDate,
    present: &[u32],
    via: Via,
) -> Result<()> {
    for l in g.book.active_loans(org)? {
        let Some(no) = l.member_no else { continue };
        if !present.contains(&no) {
            continue;
        }
        let due = g.book.loan_standing(org, l.loan_no, day)?.due_now;
        if due.is_zero() || g.rng.u8(0..100) < 12 {
            continue;
        }
        let m = g.meta(keeper, day);
        g.run(g.book.repay_loan(
            &m,
            org,
            l.loan_no,
            Repayment {
                date: day,
                via,
                amount: due,
            },
        ))?;
    }
    Ok(())
}

fn shg_year(
    g: &mut Gen<'_>,
    name: &str,
    members: usize,
    locale: Locale,
    weeks: i64,
    start: NaiveDate,
) -> Result<Uuid> {
    let org = g.uuid();
    let keeper = "bookkeeper-asha";
    let policy = Policy {
        compulsory_savings: 5000,
        late_penalty: LatePenalty::Fixed { amount: 1000 },
        grace_days: 3,
        absence_fine: 1000,
        withdrawals: Withdrawals::VoluntaryOnly,
        ..Policy::default()
    };
    g.set_up_org(
        keeper,
        NewOrganisation {
            id: org,
            kind: OrgKind::Shg,
            name: name.into(),
            currency: Currency::new("INR", None)?,
            calendar: Calendar::Gregorian,
            fiscal_year_start: FiscalYearStart { month: 4, day: 1 },
            locale,
            rounding: RoundingRule::default(),
            opened_on: start,
        },
        policy,
    )?;
    let offset = g.rng.usize(0..HINDI_NAMES.len());
    for i in 0..members {
        let role = [
            MemberRole::President,
            MemberRole::Secretary,
            MemberRole::Treasurer,
        ]
        .get(i)
        .copied()
        .unwrap_or(MemberRole::Member);
        let phone = (g.rng.u8(0..3) > 0).then(|| format!("9{:09}", g.rng.u32(0..1_000_000_000)));
        let m = g.meta(keeper, start);
        let new = NewMember {
            member_no: None,
            name: HINDI_NAMES[(offset + i) % HINDI_NAMES.len()].into(),
            role,
            phone,
            joined_on: start,
        };
        g.run(g.book.add_member(&m, org, new))?;
    }
    let leaver = members as u32; // the last member leaves in the tenth month
    let mut exited = false;
    for week in 0..weeks {
        let day = start + Duration::weeks(week);
        let m = g.meta(keeper, day);
        let meeting = g
            .run(g.book.open_meeting(&m, org, day))?
            .number
            .unwrap_or_default();
        let mut present = Vec::new();
        for no in 1..=members as u32 {
            if exited && no == leaver {
                continue;
            }
            let here = g.rng.u8(0..10) > 0;
            let m = g.meta(keeper, day);
            g.run(g.book.mark_attendance(&m, org, meeting, no, here))?;
            if here {
                present.push(no);
            }
        }
        for &no in &present {
            let m = g.meta(keeper, day);
            g.run(g.book.deposit_savings(
                &m,
                org,
                SavingsEntry {
                    date: day,
                    member_no: no,
                    via: Via::Cash,
                    amount: d(5000, 2),
                    fund: SavingsFund::Compulsory,
                },
            ))?;
            if g.rng.u8(0..4) == 0 {
                let m = g.meta(keeper, day);
                let amount = d(g.rng.i64(2..10) * 1000, 2);
                g.run(g.book.deposit_savings(
                    &m,
                    org,
                    SavingsEntry {
                        date: day,
                        member_no: no,
                        via: Via::Cash,
                        amount,
                        fund: SavingsFund::Voluntary,
                    },
                ))?;
            }
            let fines = g.book.member_dues(org, no, day)?.absence_fines_due;
            if !fines.is_zero() {
                let m = g.meta(keeper, day);
                g.run(g.book.collect_charge(
                    &m,
                    org,
                    ChargeEntry {
                        date: day,
                        member_no: no,
                        charge: MemberCharge::AbsenceFine,
                        via: Via::Cash,
                        amount: fines,
                    },
                ))?;
            }
        }
        if week == 0 {
            for &no in &present {
                let m = g.meta(keeper, day);
                g.run(g.book.collect_charge(
                    &m,
                    org,
                    ChargeEntry {
                        date: day,
                        member_no: no,
                        charge: MemberCharge::MembershipFee,
                        via: Via::Cash,
                        amount: d(5000, 2),
                    },
                ))?;
            }
        }
        repayments(g, org, keeper, day, &present, Via::Cash)?;
        // From the second month, a member without a loan borrows every other week.
        if week >= 4 && week % 2 == 0 {
            // Loans are applied for, approved and paid out in one meeting, so
            // the members with an active loan are the busy ones.
            let busy: Vec<u32> = g
                .book
                .active_loans(org)?
                .iter()
                .filter_map(|l| l.member_no)
                .collect();
            let free: Vec<u32> = present
                .iter()
                .copied()
                .filter(|n| !busy.contains(n))
                .filter(|n| *n != leaver || week < 36)
                .collect();
            if !free.is_empty() {
                let no = free[g.rng.usize(0..free.len())];
                let principal = d(g.rng.i64(4..20) * 50_000, 2);
                // The group lends only what it has, from cash or else from the bank.
                let via = if g.book.balance(org, "1100")? >= principal {
                    Some(Via::Cash)
                } else if g.book.balance(org, "1200")? >= principal {
                    Some(Via::Bank)
                } else {
                    None
                };
                if let Some(via) = via {
                    let (rate, period, method) = if g.rng.bool() {
                        (Decimal::from(2), RatePeriod::Month, Method::Flat)
                    } else {
                        (Decimal::from(24), RatePeriod::Year, Method::Reducing)
                    };
                    let req = LoanRequest {
                        principal,
                        rate,
                        rate_period: period,
                        term: [6, 10, 12][g.rng.usize(0..3)],
                        frequency: Frequency::Monthly,
                        method,
                    };
                    let m = g.meta(keeper, day);
                    let loan = g
                        .run(g.book.apply_for_loan(&m, org, no, day, req))?
                        .number
                        .unwrap_or_default();
                    let m = g.meta(keeper, day);
                    g.run(g.book.approve_loan(&m, org, loan, meeting))?;
                    let m = g.meta(keeper, day);
                    g.run(g.book.disburse_loan(&m, org, loan, day, via))?;
                }
            }
        }
        if week == 40 && !exited {
            // Settle the leaver's loans: arrears are written off by the approver;
            // a loan larger than her savings she repays in cash before leaving.
            let held = -(g
                .book
                .balance(org, &crate::chart::member_account("2100", leaver))?
                + g.book
                    .balance(org, &crate::chart::member_account("2110", leaver))?);
            let mut owed = Decimal::ZERO;
            for l in g.book.member_loans(org, leaver)? {
                if l.status != LoanStatus::Active {
                    continue;
                }
                let st = g.book.loan_standing(org, l.loan_no, day)?;
                if !st.arrears.is_zero() {
                    let m = g.meta(DEMO_APPROVER, day);
                    g.run(g.book.write_off_loan(
                        &m,
                        org,
                        l.loan_no,
                        day,
                        "left the village; arrears written off by the group",
                    ))?;
                } else if owed + st.payable_now > held {
                    let m = g.meta(keeper, day);
                    g.run(g.book.repay_loan(
                        &m,
                        org,
                        l.loan_no,
                        Repayment {
                            date: day,
                            via: Via::Cash,
                            amount: st.payable_now,
                        },
                    ))?;
                } else {
                    owed += st.payable_now;
                }
            }
            // The savings are paid out in cash; draw from the bank what the box lacks.
            let short = held - owed - g.book.balance(org, "1100")?;
            if short > Decimal::ZERO && g.book.balance(org, "1200")? >= short {
                g.transfer(
                    org,
                    keeper,
                    day,
                    (Via::Bank, Via::Cash),
                    short,
                    "Drawn for an exit",
                )?;
            }
            let m = g.meta(keeper, day);
            g.run(g.book.exit_member(&m, org, leaver, day, Via::Cash))?;
            exited = true;
        }
        let book_cash = g.book.balance(org, "1100")?;
        let m = g.meta(keeper, day);
        if week == 20 {
            g.run(g.book.close_meeting(
                &m,
                org,
                meeting,
                book_cash - Decimal::from(5),
                Some("₹5 short in the count".into()),
            ))?;
        } else {
            g.run(g.book.close_meeting(&m, org, meeting, book_cash, None))?;
        }
        // After the meeting: the month's stationery, banking and grants.
        if week % 4 == 3 {
            let m = g.meta(keeper, day);
            let amount = d(g.rng.i64(2000..6000), 2);
            g.run(g.book.record_payment(
                &m,
                org,
                Voucher {
                    date: day,
                    via: Via::Cash,
                    account: "5200".into(),
                    amount,
                    narration: "Register and stationery".into(),
                },
            ))?;
            let cash = g.book.balance(org, "1100")?;
            let keep = Decimal::from(3000);
            // Whole rupees go to the bank; the paise stay in the box.
            if (cash - keep).trunc() > Decimal::ZERO {
                let whole = (cash - keep).trunc();
                g.transfer(
                    org,
                    keeper,
                    day,
                    (Via::Cash, Via::Bank),
                    whole,
                    "Deposited in the bank",
                )?;
            } else if g.book.balance(org, "1200")? > keep {
                g.transfer(
                    org,
                    keeper,
                    day,
                    (Via::Bank, Via::Cash),
                    keep,
                    "Drawn for lending",
                )?;
            }
        }
        if week == 12 {
            let m = g.meta(keeper, day);
            g.run(g.book.record_receipt(
                &m,
                org,
                Voucher {
                    date: day,
                    via: Via::Bank,
                    account: "3100".into(),
                    amount: Decimal::from(15000),
                    narration: "Revolving Fund from the SRLM".into(),
                },
            ))?;
        }
        if week % 13 == 12 {
            let m = g.meta(keeper, day);
            let interest = d(g.rng.i64(5000..20000), 2);
            g.run(g.book.record_receipt(
                &m,
                org,
                Voucher {
                    date: day,
                    via: Via::Bank,
                    account: "4400".into(),
                    amount: interest,
                    narration: "Savings bank interest".into(),
                },
            ))?;
            let m = g.meta(keeper, day);
            g.run(g.book.record_payment(
                &m,
                org,
                Voucher {
                    date: day,
                    via: Via::Bank,
                    account: "5100".into(),
                    amount: d(1180, 2),
                    narration: "SMS charges".into(),
                },
            ))?;
        }
    }
    Ok(org)
}

fn fund_year(g: &mut Gen<'_>) -> Result<Uuid> {
    let org = g.uuid();
    let start = date(2024, 3, 20)?; // 1 Farvardin 1403
    let keeper = "hesabdar-maryam";
    let policy = Policy {
        meeting_frequency: Frequency::Monthly,
        compulsory_savings: 2_000_000,
        withdrawals: Withdrawals::VoluntaryOnly,
        ..Policy::default()
    };
    g.set_up_org(
        keeper,
        NewOrganisation {
            id: org,
            kind: OrgKind::Fund,
            name: "صندوق قرض‌الحسنه امید".into(),
            currency: Currency::new("IRR", None)?,
            calendar: Calendar::Persian,
            fiscal_year_start: FiscalYearStart { month: 1, day: 1 },
            locale: Locale::FaIr,
            rounding: RoundingRule::parse("half-up/whole")?,
            opened_on: start,
        },
        policy,
    )?;
    for (i, name) in PERSIAN_NAMES.iter().enumerate() {
        let m = g.meta(keeper, start);
        let phone = Some(format!("0912{:07}", g.rng.u32(0..10_000_000)));
        let role = match i {
            0 => MemberRole::President,
            1 => MemberRole::Treasurer,
            _ => MemberRole::Member,
        };
        g.run(g.book.add_member(
            &m,
            org,
            NewMember {
                member_no: None,
                name: (*name).into(),
                role,
                phone,
                joined_on: start,
            },
        ))?;
    }
    let m = g.meta(keeper, start);
    g.run(g.book.record_receipt(
        &m,
        org,
        Voucher {
            date: start,
            via: Via::Bank,
            account: "3100".into(),
            amount: Decimal::from(500_000_000),
            narration: "سرمایه مؤسسان".into(),
        },
    ))?;
    for month in 0..12i64 {
        let day = start + Duration::days(30 * month + 2);
        let m = g.meta(keeper, day);
        let meeting = g
            .run(g.book.open_meeting(&m, org, day))?
            .number
            .unwrap_or_default();
        let members: Vec<u32> = (1..=PERSIAN_NAMES.len() as u32).collect();
        for &no in &members {
            let m = g.meta(keeper, day);
            g.run(g.book.mark_attendance(&m, org, meeting, no, true))?;
            let m = g.meta(keeper, day);
            g.run(g.book.deposit_savings(
                &m,
                org,
                SavingsEntry {
                    date: day,
                    member_no: no,
                    via: Via::Bank,
                    amount: Decimal::from(2_000_000),
                    fund: SavingsFund::Compulsory,
                },
            ))?;
            if g.rng.bool() {
                let m = g.meta(keeper, day);
                let amount = Decimal::from(g.rng.i64(5..50) * 100_000);
                g.run(g.book.deposit_savings(
                    &m,
                    org,
                    SavingsEntry {
                        date: day,
                        member_no: no,
                        via: Via::Bank,
                        amount,
                        fund: SavingsFund::Voluntary,
                    },
                ))?;
            }
        }
        repayments(g, org, keeper, day, &members, Via::Bank)?;
        // Two interest-free loans a month, with a 4% service fee taken at payout.
        for _ in 0..2 {
            let busy: Vec<u32> = g
                .book
                .loans(org)?
                .iter()
                .filter(|l| l.status == LoanStatus::Active)
                .filter_map(|l| l.member_no)
                .collect();
            let free: Vec<u32> = members
                .iter()
                .copied()
                .filter(|n| !busy.contains(n))
                .collect();
            if free.is_empty() {
                break;
            }
            let no = free[g.rng.usize(0..free.len())];
            let principal = Decimal::from(g.rng.i64(5..15) * 10_000_000);
            if g.book.balance(org, "1200")? < principal {
                break;
            }
            let req = LoanRequest {
                principal,
                rate: Decimal::from(4),
                rate_period: RatePeriod::Year,
                term: 10,
                frequency: Frequency::Monthly,
                method: Method::FeeDeducted,
            };
            let m = g.meta(keeper, day);
            let loan = g
                .run(g.book.apply_for_loan(&m, org, no, day, req))?
                .number
                .unwrap_or_default();
            let m = g.meta(keeper, day);
            g.run(g.book.approve_loan(&m, org, loan, meeting))?;
            let m = g.meta(keeper, day);
            g.run(g.book.disburse_loan(&m, org, loan, day, Via::Bank))?;
        }
        let m = g.meta(keeper, day);
        g.run(
            g.book
                .close_meeting(&m, org, meeting, g.book.balance(org, "1100")?, None),
        )?;
        let m = g.meta(keeper, day);
        let amount = Decimal::from(g.rng.i64(20..60) * 100_000);
        g.run(g.book.record_payment(
            &m,
            org,
            Voucher {
                date: day,
                via: Via::Bank,
                account: "5300".into(),
                amount,
                narration: "هزینه دفتر".into(),
            },
        ))?;
        if day.month().is_multiple_of(3) {
            let m = g.meta(keeper, day);
            let amount = Decimal::from(g.rng.i64(10..30) * 1_000_000);
            g.run(g.book.record_receipt(
                &m,
                org,
                Voucher {
                    date: day,
                    via: Via::Bank,
                    account: "4400".into(),
                    amount,
                    narration: "سود سپرده بانکی".into(),
                },
            ))?;
        }
    }
    Ok(org)
}
