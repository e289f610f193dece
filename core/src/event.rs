//! Events: the facts a book records, their canonical bytes, and the hash chain.
//!
//! The canonical encoding is documented in `docs/chain-format.md`; any change to
//! this file that alters bytes must bump `ENCODING_VERSION` and the document.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::chart::{member_account, MEMBER_SAVINGS};
use crate::error::{Error, Result};
use crate::member::{MemberChange, MemberRole};
use crate::org::NewOrganisation;

/// Version of the canonical event encoding, carried in every event as `"v"`.
pub const ENCODING_VERSION: u64 = 1;
/// Domain separation tag hashed before every event.
pub const DOMAIN_TAG: &[u8] = b"daftar.event.v1\0";
/// The prev_hash of an organisation's first event.
pub const GENESIS: [u8; 32] = [0u8; 32];

pub type Hash = [u8; 32];

/// What happened. Each variant is one event kind; `kind()` is its name in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body")]
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
    #[serde(rename = "savings.deposit")]
    SavingsDeposit {
        member_no: u32,
        via: String,
        amount: i64,
    },
    #[serde(rename = "savings.withdrawal")]
    SavingsWithdrawal {
        member_no: u32,
        via: String,
        amount: i64,
    },
}

/// One line of a journal entry: debit positive, credit negative, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub account: String,
    pub amount: i64,
}

impl EventBody {
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::OrgCreated(_) => "org.created",
            EventBody::MemberAdded { .. } => "member.added",
            EventBody::MemberChanged { .. } => "member.changed",
            EventBody::Receipt { .. } => "money.receipt",
            EventBody::Payment { .. } => "money.payment",
            EventBody::Transfer { .. } => "money.transfer",
            EventBody::SavingsDeposit { .. } => "savings.deposit",
            EventBody::SavingsWithdrawal { .. } => "savings.withdrawal",
        }
    }

    /// The journal entry this event posts, if it moves money. The lines depend on
    /// the event alone, so replaying the log gives the same postings.
    pub fn journal(&self) -> Option<Vec<Line>> {
        let l = |account: &str, amount: i64| Line {
            account: account.to_string(),
            amount,
        };
        let lines = match self {
            EventBody::OrgCreated(_)
            | EventBody::MemberAdded { .. }
            | EventBody::MemberChanged { .. } => return None,
            EventBody::Receipt {
                via,
                account,
                amount,
                ..
            } => vec![l(via, *amount), l(account, -amount)],
            EventBody::Payment {
                via,
                account,
                amount,
                ..
            } => vec![l(account, *amount), l(via, -amount)],
            EventBody::Transfer {
                from, to, amount, ..
            } => vec![l(to, *amount), l(from, -amount)],
            EventBody::SavingsDeposit {
                member_no,
                via,
                amount,
            } => vec![
                l(via, *amount),
                l(&member_account(MEMBER_SAVINGS, *member_no), -amount),
            ],
            EventBody::SavingsWithdrawal {
                member_no,
                via,
                amount,
            } => vec![
                l(&member_account(MEMBER_SAVINGS, *member_no), *amount),
                l(via, -amount),
            ],
        };
        Some(lines)
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
}

impl Event {
    /// The canonical bytes of this event (see docs/chain-format.md).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        let tagged = serde_json::to_value(&self.body).map_err(internal)?;
        let Value::Object(mut tagged) = tagged else {
            return Err(internal("event body did not encode as an object"));
        };
        let mut env = serde_json::Map::new();
        env.insert("v".into(), Value::from(ENCODING_VERSION));
        env.insert("org".into(), Value::String(self.org.to_string()));
        env.insert("op_id".into(), Value::String(self.op_id.to_string()));
        env.insert("actor".into(), Value::String(self.actor.clone()));
        env.insert("device".into(), Value::String(self.device.clone()));
        env.insert(
            "recorded_at".into(),
            Value::String(self.recorded_at.clone()),
        );
        env.insert("date".into(), Value::String(self.date.to_string()));
        env.insert("kind".into(), tagged.remove("kind").unwrap_or(Value::Null));
        env.insert("body".into(), tagged.remove("body").unwrap_or(Value::Null));
        canonical_json(&Value::Object(env))
    }

    /// Decodes canonical bytes, refusing any that are not exactly canonical.
    pub fn from_canonical_bytes(bytes: &[u8]) -> Result<Event> {
        let bad = |why: String| Error::invalid("event", why);
        let v: Value = serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
        if canonical_json(&v)? != bytes {
            return Err(bad("bytes are not in canonical form".into()));
        }
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
        if env.remove("v") != Some(Value::from(ENCODING_VERSION)) {
            return Err(bad(format!("encoding version is not {ENCODING_VERSION}")));
        }
        let body = env.remove("body").unwrap_or(Value::Null);
        if let Some(extra) = env.keys().next() {
            return Err(bad(format!("unknown field {extra}")));
        }
        let mut tagged = serde_json::Map::new();
        tagged.insert("kind".into(), Value::String(kind));
        tagged.insert("body".into(), body);
        let body: EventBody =
            serde_json::from_value(Value::Object(tagged)).map_err(|e| bad(format!("body: {e}")))?;
        Ok(Event {
            org,
            op_id,
            actor,
            device,
            recorded_at,
            date,
            body,
        })
    }

    /// Digest of what the caller asked for, used to tell a retry from a conflicting
    /// reuse of an op_id. It leaves out the clock, device and actor, which differ
    /// between a first try and its retry.
    pub fn command_digest(&self) -> Result<Hash> {
        let mut v = serde_json::to_value(&self.body).map_err(internal)?;
        if let Value::Object(m) = &mut v {
            m.insert("org".into(), Value::String(self.org.to_string()));
            m.insert("date".into(), Value::String(self.date.to_string()));
        }
        Ok(Sha256::digest(canonical_json(&v)?).into())
    }
}

/// `SHA-256(DOMAIN_TAG ‖ prev_hash ‖ seq as u64 big-endian ‖ canonical bytes)`.
pub fn chain_hash(prev: &Hash, seq: u64, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(DOMAIN_TAG);
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(canonical);
    h.finalize().into()
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace, integers
/// only, strings escaped minimally (`"` `\` and U+0000–U+001F as `\u00xx`).
pub fn canonical_json(v: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    write_canonical(v, &mut out)?;
    Ok(out)
}

fn write_canonical(v: &Value, out: &mut Vec<u8>) -> Result<()> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
            } else {
                return Err(internal("a non-integer number cannot be canonical"));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(x, out)?;
            }
            out.push(b']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push(b'{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_canonical(&m[k.as_str()], out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

fn parse_uuid(s: &str) -> Result<Uuid> {
    let u = Uuid::parse_str(s).map_err(|e| Error::invalid("event", format!("uuid {s:?}: {e}")))?;
    if u.hyphenated().to_string() != s {
        return Err(Error::invalid(
            "event",
            format!("uuid {s:?} is not lower-case hyphenated"),
        ));
    }
    Ok(u)
}

fn internal(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: format!("internal encoding error: {e}"),
    }
}

/// Lower-case hex of a hash.
pub fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
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
            },
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_and_round_trip() {
        let e = sample();
        let bytes = e.canonical_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            text,
            r#"{"actor":"sita","body":{"amount":10000,"member_no":3,"via":"1100"},"date":"2025-04-01","device":"phone-1","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":1}"#
        );
        assert_eq!(Event::from_canonical_bytes(&bytes).unwrap(), e);
    }

    #[test]
    fn non_canonical_bytes_are_refused() {
        let bytes = sample().canonical_bytes().unwrap();
        let mut spaced = b" ".to_vec();
        spaced.extend_from_slice(&bytes);
        assert!(Event::from_canonical_bytes(&spaced).is_err());
    }

    #[test]
    fn strings_escape_only_quote_backslash_and_controls() {
        let v = serde_json::json!({"b": "a\"b\\c\nd/é", "a": 1});
        let s = String::from_utf8(canonical_json(&v).unwrap()).unwrap();
        assert_eq!(s, "{\"a\":1,\"b\":\"a\\\"b\\\\c\\u000ad/é\"}");
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
    fn command_digest_ignores_clock_device_and_actor() {
        let a = sample();
        let mut b = sample();
        b.recorded_at = "2030-01-01T00:00:00Z".into();
        b.device = "other".into();
        b.actor = "ravi".into();
        assert_eq!(a.command_digest().unwrap(), b.command_digest().unwrap());
        b.body = EventBody::SavingsDeposit {
            member_no: 3,
            via: "1100".into(),
            amount: 10001,
        };
        assert_ne!(a.command_digest().unwrap(), b.command_digest().unwrap());
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
            },
            EventBody::SavingsWithdrawal {
                member_no: 1,
                via: "1100".into(),
                amount: 13,
            },
        ];
        for b in bodies {
            let j = b.journal().unwrap();
            assert_eq!(j.iter().map(|l| l.amount).sum::<i64>(), 0, "{}", b.kind());
        }
    }
}
