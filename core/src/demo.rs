//! A realistic sample book, the same for the same seed: two SHGs in India and one
//! community fund in Iran, with a year of savings, receipts, payments and banking.

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::book::{Book, CommandMeta};
use crate::commands::{CashTransfer, SavingsEntry, Via, Voucher};
use crate::error::{Error, Result};
use crate::member::{MemberRole, NewMember};
use crate::money::{Currency, RoundingRule};
use crate::org::{Calendar, FiscalYearStart, Locale, NewOrganisation, OrgKind};

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
}

impl Gen<'_> {
    fn uuid(&mut self) -> Uuid {
        let mut b = [0u8; 16];
        self.rng.fill(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid()
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

    fn run(&mut self, r: Result<crate::book::Outcome>) -> Result<()> {
        r?;
        self.events += 1;
        Ok(())
    }
}

/// Builds the demo into `book`, which should be empty.
pub fn build(book: &Book, seed: u64, progress: &mut dyn FnMut(u64, u64)) -> Result<DemoBook> {
    if book.event_count()? > 0 {
        return Err(Error::conflict("the demo is built into an empty book only"));
    }
    let mut g = Gen {
        book,
        rng: fastrand::Rng::with_seed(seed),
        events: 0,
    };
    let start = NaiveDate::from_ymd_opt(2024, 4, 1).ok_or_else(|| Error::invalid("date", "bad"))?;
    let inr = Currency::new("INR", None)?;
    let mut orgs = Vec::new();
    let expected = 1600;
    for (name, members, locale) in [
        ("सरस्वती स्वयं सहायता समूह", 12usize, Locale::HiIn),
        ("लक्ष्मी महिला स्वयं सहायता समूह", 10, Locale::EnIn),
    ] {
        let id = g.uuid();
        let new = NewOrganisation {
            id,
            kind: OrgKind::Shg,
            name: name.into(),
            currency: inr.clone(),
            calendar: Calendar::Gregorian,
            fiscal_year_start: FiscalYearStart { month: 4, day: 1 },
            locale,
            rounding: RoundingRule::default(),
            opened_on: start,
        };
        shg_year(&mut g, new, members, progress, expected)?;
        orgs.push(id);
    }
    let id = g.uuid();
    fund_year(&mut g, id, progress, expected)?;
    orgs.push(id);
    progress(g.events, g.events);
    Ok(DemoBook {
        organisations: orgs,
        events: g.events,
    })
}

fn d(minor: i64, scale: u32) -> Decimal {
    Decimal::new(minor, scale)
}

fn shg_year(
    g: &mut Gen<'_>,
    new: NewOrganisation,
    members: usize,
    progress: &mut dyn FnMut(u64, u64),
    expected: u64,
) -> Result<()> {
    let (org, start) = (new.id, new.opened_on);
    let keeper = "bookkeeper-asha";
    let m = g.meta(keeper, start);
    g.run(g.book.create_organisation(&m, new))?;
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
    // Membership fee at the first meeting.
    let m = g.meta(keeper, start);
    g.run(g.book.record_receipt(
        &m,
        org,
        Voucher {
            date: start,
            via: Via::Cash,
            account: "4300".into(),
            amount: d(50 * members as i64, 0),
            narration: "Membership fees".into(),
        },
    ))?;
    for week in 0..52 {
        let date = start + Duration::weeks(week);
        for no in 1..=members as u32 {
            if g.rng.u8(0..10) == 0 {
                continue; // absent this week
            }
            let amount = if g.rng.bool() { 50 } else { 100 };
            let m = g.meta(keeper, date);
            g.run(g.book.deposit_savings(
                &m,
                org,
                SavingsEntry {
                    date,
                    fund: crate::event::SavingsFund::Compulsory,
                    member_no: no,
                    via: Via::Cash,
                    amount: d(amount, 0),
                },
            ))?;
        }
        // A member in need draws some savings now and then.
        if week % 13 == 7 {
            let no = g.rng.u32(1..=members as u32);
            let m = g.meta(keeper, date);
            g.run(g.book.withdraw_savings(
                &m,
                org,
                SavingsEntry {
                    date,
                    fund: crate::event::SavingsFund::Compulsory,
                    member_no: no,
                    via: Via::Cash,
                    amount: d(150, 0),
                },
            ))?;
        }
        if week % 4 == 3 {
            let m = g.meta(keeper, date);
            let paise = g.rng.i64(2000..6000);
            g.run(g.book.record_payment(
                &m,
                org,
                Voucher {
                    date,
                    via: Via::Cash,
                    account: "5200".into(),
                    amount: d(paise, 2),
                    narration: "Register and stationery".into(),
                },
            ))?;
            let cash = g.book.balance(org, "1100")?;
            let keep = Decimal::from(200);
            if cash > keep {
                let m = g.meta(keeper, date);
                g.run(g.book.transfer(
                    &m,
                    org,
                    CashTransfer {
                        date,
                        from: Via::Cash,
                        to: Via::Bank,
                        amount: (cash - keep).trunc(),
                        narration: "Deposited in the bank".into(),
                    },
                ))?;
            }
        }
        if week % 13 == 12 {
            let m = g.meta(keeper, date);
            let interest = g.rng.i64(5000..20000);
            g.run(g.book.record_receipt(
                &m,
                org,
                Voucher {
                    date,
                    via: Via::Bank,
                    account: "4400".into(),
                    amount: d(interest, 2),
                    narration: "Savings bank interest".into(),
                },
            ))?;
            let m = g.meta(keeper, date);
            g.run(g.book.record_payment(
                &m,
                org,
                Voucher {
                    date,
                    via: Via::Bank,
                    account: "5100".into(),
                    amount: d(1180, 2),
                    narration: "SMS charges".into(),
                },
            ))?;
        }
        progress(g.events, expected);
    }
    Ok(())
}

fn fund_year(
    g: &mut Gen<'_>,
    org: Uuid,
    progress: &mut dyn FnMut(u64, u64),
    expected: u64,
) -> Result<()> {
    // 1 Farvardin 1403.
    let start =
        NaiveDate::from_ymd_opt(2024, 3, 20).ok_or_else(|| Error::invalid("date", "bad"))?;
    let keeper = "hesabdar-maryam";
    let m = g.meta(keeper, start);
    g.run(g.book.create_organisation(
        &m,
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
    ))?;
    for (i, name) in PERSIAN_NAMES.iter().enumerate() {
        let m = g.meta(keeper, start);
        let phone = Some(format!("0912{:07}", g.rng.u32(0..10_000_000)));
        let role = if i == 0 {
            MemberRole::President
        } else if i == 1 {
            MemberRole::Treasurer
        } else {
            MemberRole::Member
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
    for month in 0..12u32 {
        let date = start + Duration::days(30 * month as i64 + 2);
        for no in 1..=PERSIAN_NAMES.len() as u32 {
            let amount = Decimal::from(g.rng.i64(5..50) * 100_000);
            let m = g.meta(keeper, date);
            g.run(g.book.deposit_savings(
                &m,
                org,
                SavingsEntry {
                    date,
                    fund: crate::event::SavingsFund::Compulsory,
                    member_no: no,
                    via: Via::Bank,
                    amount,
                },
            ))?;
        }
        let m = g.meta(keeper, date);
        let amount = Decimal::from(g.rng.i64(20..60) * 100_000);
        g.run(g.book.record_payment(
            &m,
            org,
            Voucher {
                date,
                via: Via::Bank,
                account: "5300".into(),
                amount,
                narration: "هزینه دفتر".into(),
            },
        ))?;
        if date.month().is_multiple_of(3) {
            let m = g.meta(keeper, date);
            let amount = Decimal::from(g.rng.i64(10..30) * 1_000_000);
            g.run(g.book.record_receipt(
                &m,
                org,
                Voucher {
                    date,
                    via: Via::Bank,
                    account: "4400".into(),
                    amount,
                    narration: "سود سپرده بانکی".into(),
                },
            ))?;
        }
        progress(g.events, expected);
    }
    Ok(())
}
