//! A realistic sample book, the same for the same seed: two SHGs in India with a
//! year of weekly meetings (savings, loans, repayments, some late, one exit), and
//! a community loan fund in Iran with a year of monthly meetings. At CLF scale
//! ([`Scale::CLF`]), 250 such SHGs with three years of weekly meetings each.
//!
//! Built in bulk mode ([`Book::begin_bulk`]): every command is validated and
//! recorded as the app would, but commits are shared.

mod fund;
mod shg;

use fund::fund_year;
use shg::shg_year;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::book::{Book, CommandMeta, Outcome};
use crate::commands::{CashTransfer, Via};
use crate::error::{Error, Result};
use crate::money::from_minor;
use crate::org::{Locale, NewOrganisation};
use crate::policy::{ActorRole, Policy};

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
/// Her PIN in the demo book (published: a demo only).
pub const DEMO_APPROVER_PIN: &str = "2468";

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
    /// Whether each organisation's custody is claimed as soon as it is set up.
    claim: bool,
    /// The approver's PIN verifier, made once and used in every organisation:
    /// Argon2 is slow on purpose, and a CLF-sized book has 250 of them.
    approver_verifier: Option<String>,
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
            device: DEMO_DEVICE.to_string(),
            recorded_at: Some(at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            // The approver confirms what she does with her PIN.
            pin: (actor == DEMO_APPROVER).then(|| crate::pins::Pin::new(DEMO_APPROVER_PIN)),
        }
    }

    /// Creates an organisation with its policy and the demo approver.
    fn set_up_org(&mut self, keeper: &str, new: NewOrganisation, policy: Policy) -> Result<Uuid> {
        let (org, start) = (new.id, new.opened_on);
        let m = self.meta(keeper, start);
        self.run(self.book.create_organisation(&m, new))?;
        let m = self.meta(keeper, start);
        self.run(self.book.set_policy(&m, org, start, policy))?;
        // The approver sets her PIN on the book keeper's phone, then is named.
        let m = self.meta(DEMO_APPROVER, start);
        let verifier = match self.approver_verifier.clone() {
            Some(v) => v,
            None => {
                let pin = crate::pins::Pin::new(DEMO_APPROVER_PIN);
                let v = crate::pins::verifier_for(&pin, m.op_id, org, DEMO_APPROVER)?;
                self.approver_verifier = Some(v.clone());
                v
            }
        };
        let m = CommandMeta { pin: None, ..m };
        self.run(self.book.execute(
            &m,
            crate::command::Command::SetPin {
                org,
                date: start,
                person: DEMO_APPROVER.into(),
                verifier,
            },
        ))?;
        let m = self.meta(keeper, start);
        self.run(
            self.book
                .set_role(&m, org, start, DEMO_APPROVER, ActorRole::Approver),
        )?;
        if self.claim {
            let m = self.meta(keeper, start);
            self.run(self.book.claim_custody(&m, org, start))?;
        }
        Ok(org)
    }

    fn run(&mut self, r: Result<Outcome>) -> Result<Outcome> {
        self.run_steps(r, 1)
    }

    /// Counts a command that records `events` events (three for a sanctioned loan).
    fn run_steps(&mut self, r: Result<Outcome>, events: u64) -> Result<Outcome> {
        let o = r?;
        self.events += events;
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
    in_bulk(book, seed, EXPECTED_EVENTS, false, progress, |g| {
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
    scaled(book, seed, scale, false, progress)
}

/// As [`build_scaled`], on a phone that held custody from the first day: the
/// book's device (which must be named `demo-phone`) claims each SHG's custody
/// right after setting it up, so every later head can be signed and pushed a
/// meeting at a time, as the load generator does.
pub fn build_scaled_in_custody(
    book: &Book,
    seed: u64,
    scale: Scale,
    progress: crate::verify::Progress<'_>,
) -> Result<DemoBook> {
    book.device_identity(DEMO_DEVICE)?;
    scaled(book, seed, scale, true, progress)
}

/// The device every demo event is recorded on.
pub const DEMO_DEVICE: &str = "demo-phone";

fn scaled(
    book: &Book,
    seed: u64,
    scale: Scale,
    claim: bool,
    progress: crate::verify::Progress<'_>,
) -> Result<DemoBook> {
    in_bulk(book, seed, scale.expected_events(), claim, progress, |g| {
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
    claim: bool,
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
        claim,
        approver_verifier: None,
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
