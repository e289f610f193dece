//! Events: the facts a book records, their canonical bytes, and the hash chain.
//!
//! The canonical encoding is documented in `docs/chain-format.md`; any change to
//! this file that alters bytes must bump `ENCODING_VERSION` and the document.

mod canonical;
mod header;
mod journal;
mod parts;

pub use canonical::canonical_json;
pub(crate) use canonical::{check_event_text, parse_stored_json, stored_json};
use canonical::{internal, parse_uuid};
pub use header::{EnvelopeColumns, EventHeader};
pub use parts::{
    CutoffBody, CutoffFacility, CutoffLoan, CutoffMember, ExitBody, ExitSettlement, FacilitySource,
    MemberCharge, SavingsFund,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub use daftar_sync::{CustodyGrant, Recovery};

use crate::error::{Error, Result};
use crate::loan::allocation::Allocation;
use crate::loan::{Instalment, LoanTerms};
use crate::member::{MemberChange, MemberRole};
use crate::org::NewOrganisation;
use crate::policy::{ActorRole, Policy};

/// Version of the canonical event encoding, carried in every event as `"v"`.
/// Version 2 chains the digest of the command that decided the event
/// (`"command"`), so that the digest a retry is compared with cannot be edited
/// unseen. Version 1 events (without it) are still read and verified.
pub const ENCODING_VERSION: u64 = 2;
/// The first version, read in books and bundles written before version 2.
pub const ENCODING_V1: u64 = 1;
pub use daftar_sync::{chain_hash, hex, Hash, DOMAIN_TAG, GENESIS};

/// What happened. Each variant is one event kind; `kind()` is its name in the log.
///
/// Serde sees it externally tagged (`{"savings.deposit": {...}}`); the envelope
/// splits that into its `kind` and `body` fields. The bytes are those of an
/// adjacently tagged enum, without serde's buffering code for tagged enums,
/// which cost the Android library about 100 KB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventBody {
    #[serde(rename = "org.created")]
    OrgCreated(NewOrganisation),
    #[serde(rename = "member.added")]
    MemberAdded {
        member_no: u32,
        name: String,
        role: MemberRole,
        phone: Option<String>,
        joined_on: NaiveDate,
    },
    #[serde(rename = "member.changed")]
    MemberChanged {
        member_no: u32,
        #[serde(flatten)]
        change: MemberChange,
    },
    /// Money received into cash or bank from an income, liability or equity account.
    #[serde(rename = "money.receipt")]
    Receipt {
        via: String,
        account: String,
        amount: i64,
        narration: String,
    },
    /// Money paid out of cash or bank to an expense, asset or liability account.
    #[serde(rename = "money.payment")]
    Payment {
        via: String,
        account: String,
        amount: i64,
        narration: String,
    },
    /// Cash deposited in the bank, or withdrawn from it.
    #[serde(rename = "money.transfer")]
    Transfer {
        from: String,
        to: String,
        amount: i64,
        narration: String,
    },
    /// `fund` is left out for compulsory savings.
    #[serde(rename = "savings.deposit")]
    SavingsDeposit {
        member_no: u32,
        via: String,
        amount: i64,
        #[serde(default, skip_serializing_if = "SavingsFund::is_compulsory")]
        fund: SavingsFund,
    },
    #[serde(rename = "savings.withdrawal")]
    SavingsWithdrawal {
        member_no: u32,
        via: String,
        amount: i64,
        #[serde(default, skip_serializing_if = "SavingsFund::is_compulsory")]
        fund: SavingsFund,
    },
    #[serde(rename = "org.policy")]
    PolicySet(Policy),
    #[serde(rename = "actor.role")]
    RoleSet { actor: String, role: ActorRole },
    /// A person's PIN, as an Argon2id verifier (`pins.rs`); never the PIN.
    #[serde(rename = "actor.pin")]
    PinSet { actor: String, verifier: String },
    #[serde(rename = "meeting.opened")]
    MeetingOpened { meeting_no: u32 },
    #[serde(rename = "meeting.attendance")]
    Attendance {
        meeting_no: u32,
        member_no: u32,
        present: bool,
    },
    /// `book_cash` is cash in hand by the book at closing; a difference from
    /// `counted_cash` is posted to cash excess or shortage.
    #[serde(rename = "meeting.closed")]
    MeetingClosed {
        meeting_no: u32,
        counted_cash: i64,
        book_cash: i64,
        discrepancy_reason: Option<String>,
    },
    /// Reverses the closing's discrepancy entry, if it had one.
    #[serde(rename = "meeting.reopened")]
    MeetingReopened {
        meeting_no: u32,
        reason: String,
        reversed_discrepancy: i64,
    },
    #[serde(rename = "loan.applied")]
    LoanApplied {
        loan_no: u32,
        member_no: u32,
        terms: LoanTerms,
        /// The reference shared with the borrower's book (CIF to an SHG); absent if none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    #[serde(rename = "loan.approved")]
    LoanApproved { loan_no: u32, meeting_no: u32 },
    #[serde(rename = "loan.disbursed")]
    LoanDisbursed {
        loan_no: u32,
        member_no: u32,
        via: String,
        principal: i64,
        fee: i64,
        schedule: Vec<Instalment>,
    },
    /// A repayment of a member loan (`payable` false) or of the organisation's own
    /// borrowing (`payable` true), split as `allocation` says.
    #[serde(rename = "loan.repaid")]
    LoanRepaid {
        loan_no: u32,
        loan_account: String,
        payable: bool,
        via: String,
        amount: i64,
        allocation: Allocation,
    },
    #[serde(rename = "loan.written_off")]
    LoanWrittenOff {
        loan_no: u32,
        loan_account: String,
        amount: i64,
        reason: String,
        /// Interest fallen due and unpaid, forgiven with the principal; absent if none.
        #[serde(default, skip_serializing_if = "is_zero")]
        interest_forgiven: i64,
        /// Late penalties due and unpaid, forgiven with it; absent if none.
        #[serde(default, skip_serializing_if = "is_zero")]
        penalty_forgiven: i64,
    },
    /// Money borrowed by the organisation: CIF from the VO, or a bank term loan.
    #[serde(rename = "facility.received")]
    FacilityReceived {
        loan_no: u32,
        source: FacilitySource,
        via: String,
        terms: LoanTerms,
        schedule: Vec<Instalment>,
        /// The reference shared with the lender's book (CIF from the VO); absent if none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    #[serde(rename = "charge.collected")]
    ChargeCollected {
        member_no: u32,
        charge: MemberCharge,
        via: String,
        amount: i64,
    },
    #[serde(rename = "cutoff.recorded")]
    CutoffRecorded(CutoffBody),
    #[serde(rename = "member.exited")]
    MemberExited(ExitBody),
    /// A maker asks for a reversal that a second person must approve.
    #[serde(rename = "correction.requested")]
    CorrectionRequested { original_seq: u64, reason: String },
    #[serde(rename = "correction.rejected")]
    CorrectionRejected { request_seq: u64, reason: String },
    /// Reverses a money event in full: `lines` are its postings negated. The
    /// original stays in the book.
    #[serde(rename = "entry.reversed")]
    EntryReversed {
        original_seq: u64,
        original_kind: String,
        reason: String,
        lines: Vec<Line>,
        /// The approved request, when the reversal needed a second person.
        request_seq: Option<u64>,
    },
    /// The organisation's first custodian names its device and key (epoch 1).
    #[serde(rename = "custody.claimed")]
    CustodyClaimed(CustodyGrant),
    /// The custodian hands the chain to another device (epoch + 1).
    #[serde(rename = "custody.transferred")]
    CustodyTransferred(CustodyGrant),
    /// A new device takes custody of a lost phone's chain (epoch + 1), signed by
    /// the recovery key the policy names.
    #[serde(rename = "custody.recovered")]
    CustodyRecovered(Recovery),
}

/// Whether an optional amount is left out of an event's body.
fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// One line of a journal entry: debit positive, credit negative, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub account: String,
    pub amount: i64,
}

impl EventBody {
    pub fn kind(&self) -> &'static str {
        // The name is the variant's serde rename above: written once, there.
        crate::variant_name::variant_name(self).unwrap_or("unknown")
    }
}

/// An event with everything the chain covers except its seq and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub org: Uuid,
    pub op_id: Uuid,
    pub actor: String,
    pub device: String,
    /// The device clock at recording, UTC, `YYYY-MM-DDTHH:MM:SSZ`. Informative only:
    /// phones' clocks are often wrong, so order is by seq.
    pub recorded_at: String,
    /// The business date: the meeting or voucher date.
    pub date: NaiveDate,
    pub body: EventBody,
    /// The digest of the command that decided it (with its actor), which tells
    /// a retry from a conflicting reuse of the op_id. `None` only for events
    /// of encoding version 1.
    pub command: Option<Hash>,
}

impl Event {
    /// The canonical bytes of this event (see docs/chain-format.md): RFC 8785,
    /// with every integer within ±(2^53 − 1).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        canonical_json(&self.envelope()?)
    }

    /// The event as the JSON object its canonical bytes write.
    fn envelope(&self) -> Result<Value> {
        let external = serde_json::to_value(&self.body).map_err(internal)?;
        let (kind, body) = match external {
            Value::Object(m) if m.len() == 1 => m.into_iter().next().unwrap_or_default(),
            _ => return Err(internal("event body did not encode as one tagged object")),
        };
        let mut env = serde_json::Map::new();
        match &self.command {
            Some(digest) => {
                env.insert("v".into(), Value::from(ENCODING_VERSION));
                env.insert("command".into(), Value::String(hex(digest)));
            }
            None => {
                env.insert("v".into(), Value::from(ENCODING_V1));
            }
        }
        env.insert("org".into(), Value::String(self.org.to_string()));
        env.insert("op_id".into(), Value::String(self.op_id.to_string()));
        env.insert("actor".into(), Value::String(self.actor.clone()));
        env.insert("device".into(), Value::String(self.device.clone()));
        env.insert(
            "recorded_at".into(),
            Value::String(self.recorded_at.clone()),
        );
        env.insert("date".into(), Value::String(self.date.to_string()));
        env.insert("kind".into(), Value::String(kind));
        env.insert("body".into(), body);
        let event = Value::Object(env);
        check_event_text(&event).map_err(|why| Error::invalid("event", why))?;
        Ok(event)
    }

    /// Decodes canonical bytes, refusing any that are not exactly canonical.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Event> {
        let bad = |why: String| Error::invalid("event", why);
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
        // Books written before the 53-bit limit may hold larger integers: read them.
        let again = daftar_sync::jcs::canonical_json_i64(&v).map_err(|e| bad(e.to_string()))?;
        if again != bytes {
            return Err(bad("bytes are not in canonical form".into()));
        }
        check_event_text(&v).map_err(bad)?;
        let Value::Object(mut env) = v else {
            return Err(bad("not an object".into()));
        };
        let mut take_str = |k: &str| -> Result<String> {
            match env.remove(k) {
                Some(Value::String(s)) => Ok(s),
                _ => Err(bad(format!("field {k} is missing or not text"))),
            }
        };
        let org = parse_uuid(&take_str("org")?)?;
        let op_id = parse_uuid(&take_str("op_id")?)?;
        let actor = take_str("actor")?;
        let device = take_str("device")?;
        let recorded_at = take_str("recorded_at")?;
        let date: NaiveDate = take_str("date")?
            .parse()
            .map_err(|e| bad(format!("date: {e}")))?;
        let kind = take_str("kind")?;
        let command = take_str("command").ok();
        let command = match env.remove("v") {
            Some(v) if v == ENCODING_VERSION => {
                let text =
                    command.ok_or_else(|| bad("field command is missing or not text".into()))?;
                Some(parse_digest(&text).map_err(bad)?)
            }
            Some(v) if v == ENCODING_V1 => match command {
                None => None,
                Some(_) => return Err(bad("a version 1 event has no command".into())),
            },
            _ => {
                return Err(bad(format!(
                    "encoding version is not {ENCODING_V1} or {ENCODING_VERSION}"
                )))
            }
        };
        let body = env.remove("body").unwrap_or(Value::Null);
        if let Some(extra) = env.keys().next() {
            return Err(bad(format!("unknown field {extra}")));
        }
        let mut external = serde_json::Map::new();
        external.insert(kind, body);
        let body: EventBody = serde_json::from_value(Value::Object(external))
            .map_err(|e| bad(format!("body: {e}")))?;
        let event = Event {
            org,
            op_id,
            actor,
            device,
            recorded_at,
            date,
            body,
            command,
        };
        if let EventBody::OrgCreated(o) = &event.body {
            if o.id != event.org {
                return Err(bad(format!(
                    "org.created names organisation {} in a chain of {}",
                    o.id, event.org
                )));
            }
        }
        // What the body said must be all it says: a member the event kind does
        // not have (or a default spelt out) would be dropped by a decoder.
        let again = daftar_sync::jcs::canonical_json_i64(&event.envelope()?)
            .map_err(|e| bad(e.to_string()))?;
        if again != bytes {
            return Err(bad("the body holds members its kind does not have".into()));
        }
        Ok(event)
    }
}

/// A command digest as the envelope writes it: 64 lower-case hex digits.
fn parse_digest(text: &str) -> std::result::Result<Hash, String> {
    let bad = || format!("command {text:?} is not 64 lower-case hex digits");
    if text.len() != 64 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        Event {
            org: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001),
            op_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0002),
            actor: "sita".into(),
            device: "phone-1".into(),
            recorded_at: "2025-04-01T10:00:00Z".into(),
            date: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            body: EventBody::SavingsDeposit {
                member_no: 3,
                via: "1100".into(),
                amount: 10000,
                fund: SavingsFund::Compulsory,
            },
            command: Some([0xab; 32]),
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_and_round_trip() {
        let e = sample();
        let bytes = e.canonical_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            format!(
                r#"{{"actor":"sita","body":{{"amount":10000,"member_no":3,"via":"1100"}},"command":"{}","date":"2025-04-01","device":"phone-1","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":2}}"#,
                "ab".repeat(32)
            )
        );
        assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);
    }

    #[test]
    fn a_version_1_event_without_its_command_still_reads_and_writes_the_same_bytes() {
        let e = Event {
            command: None,
            ..sample()
        };
        let bytes = e.canonical_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            r#"{"actor":"sita","body":{"amount":10000,"member_no":3,"via":"1100"},"date":"2025-04-01","device":"phone-1","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":1}"#
        );
        assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);
    }

    #[test]
    fn a_command_that_does_not_match_its_version_is_refused() {
        let v2 = String::from_utf8(sample().canonical_bytes().unwrap()).unwrap();
        let cases = [
            // Version 2 without its command, with a short one, upper-case hex.
            v2.replace(&format!(r#""command":"{}","#, "ab".repeat(32)), ""),
            v2.replace(&"ab".repeat(32), &"ab".repeat(31)),
            v2.replace(&"ab".repeat(32), &"AB".repeat(32)),
            // Version 1 with a command; an unknown version.
            v2.replace(r#""v":2"#, r#""v":1"#),
            v2.replace(r#""v":2"#, r#""v":3"#),
        ];
        for bytes in cases {
            assert!(
                Event::from_canonical_bytes(bytes.as_bytes()).is_err(),
                "{bytes}"
            );
        }
    }

    #[test]
    fn non_canonical_bytes_are_refused() {
        let bytes = sample().canonical_bytes().unwrap();
        let mut spaced = b" ".to_vec();
        spaced.extend_from_slice(&bytes);
        assert!(Event::from_canonical_bytes(&spaced).is_err());
    }

    #[test]
    fn strings_escape_as_rfc_8785_does() {
        let v = serde_json::json!({"b": "a\"b\\c\nd/é", "a": 1});
        let s = String::from_utf8(canonical_json(&v).unwrap()).unwrap();
        assert_eq!(s, "{\"a\":1,\"b\":\"a\\\"b\\\\c\\nd/é\"}");
    }

    #[test]
    fn an_event_with_a_member_its_kind_lacks_is_refused_on_the_way_out() {
        let good = String::from_utf8(sample().canonical_bytes().unwrap()).unwrap();
        let forged = good.replace("\"amount\":10000,", "\"amount\":10000,\"bonus\":5,");
        assert_ne!(good, forged);
        let e = Event::from_canonical_bytes(forged.as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("members its kind does not have"),
            "{e}"
        );
    }

    #[test]
    fn text_with_control_characters_or_not_in_nfc_is_refused_both_ways() {
        for actor in ["si\u{1b}[2Jta", "Re\u{301}ma"] {
            let mut ev = sample();
            ev.actor = actor.into();
            let e = ev.canonical_bytes().unwrap_err();
            assert_eq!(e.code(), crate::error::ErrorCode::InvalidInput, "{e}");
            // Forged straight into the bytes, it is refused when read.
            let good = String::from_utf8(sample().canonical_bytes().unwrap()).unwrap();
            let json_actor = serde_json::to_string(actor).unwrap();
            let forged = good.replace("\"sita\"", &json_actor);
            assert!(
                Event::from_canonical_bytes(forged.as_bytes()).is_err(),
                "{actor:?}"
            );
        }
    }

    #[test]
    fn chain_hash_depends_on_prev_seq_and_bytes() {
        let b = sample().canonical_bytes().unwrap();
        let h1 = chain_hash(&GENESIS, 1, &b);
        assert_ne!(h1, chain_hash(&GENESIS, 2, &b));
        assert_ne!(h1, chain_hash(&h1, 1, &b));
        let mut b2 = b.clone();
        b2[10] ^= 1;
        assert_ne!(h1, chain_hash(&GENESIS, 1, &b2));
    }

    #[test]
    fn every_journal_balances() {
        let bodies = [
            EventBody::Receipt {
                via: "1100".into(),
                account: "4900".into(),
                amount: 5,
                narration: String::new(),
            },
            EventBody::Payment {
                via: "1200".into(),
                account: "5100".into(),
                amount: 7,
                narration: String::new(),
            },
            EventBody::Transfer {
                from: "1100".into(),
                to: "1200".into(),
                amount: 9,
                narration: String::new(),
            },
            EventBody::SavingsDeposit {
                member_no: 1,
                via: "1100".into(),
                amount: 11,
                fund: SavingsFund::Voluntary,
            },
            EventBody::SavingsWithdrawal {
                member_no: 1,
                via: "1100".into(),
                amount: 13,
                fund: SavingsFund::Compulsory,
            },
        ];
        for b in bodies {
            let j = b.journal().unwrap();
            assert_eq!(j.iter().map(|l| l.amount).sum::<i64>(), 0, "{}", b.kind());
        }
    }
}
