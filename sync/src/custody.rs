//! Custody: the one device that may write an organisation's chain, epoch by
//! epoch. The rules are pure functions of the chain, so the phone deciding a
//! hand-over, a book receiving a chunk and the server all apply the same ones.
//!
//! - `custody.claimed` (epoch 1): the first custodian names itself and its key.
//!   Events before it were written before custody existed (epoch 0).
//! - `custody.transferred` (epoch e+1): written by the holder, naming the next.
//! - `custody.recovered` (epoch e+1): written by the new device, carrying a
//!   signature by the recovery key that the organisation's policy names, for a
//!   phone that was lost with custody.
//!
//! After custody exists, every event must be written by its holder's device.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::refusal::Refusal;
use crate::signing::{recovery_message, PublicKey, Signature};

pub const CLAIMED: &str = "custody.claimed";
pub const TRANSFERRED: &str = "custody.transferred";
pub const RECOVERED: &str = "custody.recovered";
pub const POLICY: &str = "org.policy";

/// The body of a claim or a transfer: the device that holds custody from this
/// event on, its key and the new epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyGrant {
    pub device: String,
    pub key: PublicKey,
    pub epoch: u64,
}

/// The body of a recovery: a grant to the device writing it, signed by the
/// organisation's recovery key over [`recovery_message`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    pub device: String,
    pub key: PublicKey,
    pub epoch: u64,
    pub signature: Signature,
}

/// Who holds custody, since which seq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Custody {
    pub epoch: u64,
    pub device: String,
    pub key: PublicKey,
    pub since_seq: u64,
}

/// What custody needs of an event: its envelope's org and device, its kind,
/// and the body of the kinds that change custody or the recovery key.
#[derive(Debug, Clone, Deserialize)]
pub struct EventView {
    pub org: Uuid,
    pub device: String,
    pub kind: String,
    #[serde(default)]
    pub body: Value,
}

impl EventView {
    /// Reads an event's envelope, refusing bytes that are not exactly its
    /// canonical JSON (RFC 8785, integers within ±(2^53 − 1)).
    pub fn parse(canonical: &[u8]) -> Result<EventView, Refusal> {
        let bad = |why: String| Refusal::Malformed(format!("an event: {why}"));
        let value: Value = serde_json::from_slice(canonical).map_err(|e| bad(e.to_string()))?;
        match crate::jcs::canonical_json(&value) {
            Ok(bytes) if bytes == canonical => {}
            Ok(_) => return Err(bad("its bytes are not in canonical form".into())),
            Err(e) => return Err(bad(e.to_string())),
        }
        serde_json::from_value(value).map_err(|e| bad(format!("its envelope: {e}")))
    }
}

/// Custody as a receiver follows it along a chain. A server stores it beside
/// the head (as JSON), so checking a chunk never re-reads the chain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustodyState {
    pub custody: Option<Custody>,
    /// The key the policy names for recovering custody, if any.
    pub recovery_key: Option<PublicKey>,
}

fn custody_refusal(seq: u64, detail: String) -> Refusal {
    Refusal::Custody { seq, detail }
}

fn body<T: serde::de::DeserializeOwned>(view: &EventView, seq: u64) -> Result<T, Refusal> {
    serde_json::from_value(view.body.clone())
        .map_err(|e| Refusal::Malformed(format!("{} at seq {seq}: {e}", view.kind)))
}

impl CustodyState {
    /// Follows the event at `seq`: checks that its device may write it, and
    /// returns the key of the device that wrote it (`None` before custody).
    pub fn step(
        &mut self,
        org: &Uuid,
        seq: u64,
        view: &EventView,
    ) -> Result<Option<PublicKey>, Refusal> {
        let not_writer = |c: &Custody| Refusal::NotWriter {
            seq,
            device: view.device.clone(),
            holder: c.device.clone(),
            epoch: c.epoch,
        };
        let writer = match view.kind.as_str() {
            CLAIMED => {
                let g: CustodyGrant = body(view, seq)?;
                if let Some(c) = &self.custody {
                    return Err(custody_refusal(
                        seq,
                        format!(
                            "custody is already held by {:?} (epoch {})",
                            c.device, c.epoch
                        ),
                    ));
                }
                if g.epoch != 1 || g.device != view.device {
                    return Err(custody_refusal(
                        seq,
                        "a claim is epoch 1, by the device it names".into(),
                    ));
                }
                self.custody = Some(Custody {
                    epoch: 1,
                    device: g.device,
                    key: g.key,
                    since_seq: seq,
                });
                g.key
            }
            TRANSFERRED => {
                let g: CustodyGrant = body(view, seq)?;
                let Some(c) = &self.custody else {
                    return Err(custody_refusal(
                        seq,
                        "nobody holds custody to hand over".into(),
                    ));
                };
                if view.device != c.device {
                    return Err(not_writer(c));
                }
                if g.epoch != c.epoch + 1 {
                    return Err(custody_refusal(
                        seq,
                        format!(
                            "a hand-over from epoch {} must be to epoch {}",
                            c.epoch,
                            c.epoch + 1
                        ),
                    ));
                }
                if g.key == c.key || g.device == c.device {
                    // Events name their device: consecutive holders must differ by name.
                    return Err(custody_refusal(
                        seq,
                        format!(
                            "a hand-over to {:?}, the holder itself: name each device apart",
                            g.device
                        ),
                    ));
                }
                let writer = c.key;
                self.custody = Some(Custody {
                    epoch: g.epoch,
                    device: g.device,
                    key: g.key,
                    since_seq: seq,
                });
                writer
            }
            RECOVERED => {
                let r: Recovery = body(view, seq)?;
                let Some(c) = &self.custody else {
                    return Err(custody_refusal(
                        seq,
                        "nobody holds custody to recover".into(),
                    ));
                };
                if r.epoch != c.epoch + 1 || r.device != view.device {
                    return Err(custody_refusal(
                        seq,
                        format!(
                            "a recovery from epoch {} is to epoch {}, by the device it names",
                            c.epoch,
                            c.epoch + 1
                        ),
                    ));
                }
                if r.device == c.device {
                    return Err(custody_refusal(
                        seq,
                        format!(
                            "a recovery by {:?}, the holder's own name: name the new device apart",
                            r.device
                        ),
                    ));
                }
                let Some(admin) = self.recovery_key else {
                    return Err(custody_refusal(
                        seq,
                        "the policy names no recovery key".into(),
                    ));
                };
                if !admin.verifies(
                    &recovery_message(org, r.epoch, &r.key, &r.device),
                    &r.signature,
                ) {
                    return Err(custody_refusal(
                        seq,
                        "the recovery is not signed by the policy's recovery key".into(),
                    ));
                }
                self.custody = Some(Custody {
                    epoch: r.epoch,
                    device: r.device,
                    key: r.key,
                    since_seq: seq,
                });
                r.key
            }
            kind => {
                if kind == POLICY {
                    self.recovery_key = match view.body.get("recovery_key") {
                        None | Some(Value::Null) => None,
                        Some(v) => Some(serde_json::from_value(v.clone()).map_err(|e| {
                            Refusal::Malformed(format!(
                                "the policy's recovery key at seq {seq}: {e}"
                            ))
                        })?),
                    };
                }
                match &self.custody {
                    None => return Ok(None),
                    Some(c) if c.device != view.device => return Err(not_writer(c)),
                    Some(c) => c.key,
                }
            }
        };
        Ok(Some(writer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::DeviceKey;
    use serde_json::json;

    fn view(device: &str, kind: &str, body: Value) -> EventView {
        EventView {
            org: Uuid::from_u128(1),
            device: device.into(),
            kind: kind.into(),
            body,
        }
    }

    fn grant(device: &str, key: &DeviceKey, epoch: u64) -> Value {
        json!({"device": device, "key": key.public().to_string(), "epoch": epoch})
    }

    #[test]
    fn after_a_claim_only_the_holder_writes_and_a_hand_over_moves_it() {
        let org = Uuid::from_u128(1);
        let (a, b) = (
            DeviceKey::from_secret(&[1; 32]),
            DeviceKey::from_secret(&[2; 32]),
        );
        let mut s = CustodyState::default();
        assert_eq!(
            s.step(&org, 1, &view("x", "org.created", json!({})))
                .unwrap(),
            None
        );
        assert_eq!(
            s.step(&org, 2, &view("A", CLAIMED, grant("A", &a, 1)))
                .unwrap(),
            Some(a.public())
        );
        assert_eq!(
            s.step(&org, 3, &view("A", "savings.deposit", json!({})))
                .unwrap(),
            Some(a.public())
        );
        let e = s
            .step(&org, 4, &view("B", "savings.deposit", json!({})))
            .unwrap_err();
        assert_eq!(e.code(), "not_writer");
        // The hand-over is written (and signed) by A; after it only B writes.
        assert_eq!(
            s.step(&org, 4, &view("A", TRANSFERRED, grant("B", &b, 2)))
                .unwrap(),
            Some(a.public())
        );
        assert_eq!(
            s.step(&org, 5, &view("A", "savings.deposit", json!({})))
                .unwrap_err()
                .code(),
            "not_writer"
        );
        assert_eq!(
            s.step(&org, 5, &view("B", "savings.deposit", json!({})))
                .unwrap(),
            Some(b.public())
        );
        assert_eq!(s.custody.as_ref().unwrap().since_seq, 4);
    }

    #[test]
    fn a_second_claim_or_a_skipped_epoch_is_refused() {
        let org = Uuid::from_u128(1);
        let a = DeviceKey::from_secret(&[1; 32]);
        let mut s = CustodyState::default();
        assert_eq!(
            s.step(&org, 1, &view("A", CLAIMED, grant("A", &a, 2)))
                .unwrap_err()
                .code(),
            "custody"
        );
        s.step(&org, 1, &view("A", CLAIMED, grant("A", &a, 1)))
            .unwrap();
        assert_eq!(
            s.step(&org, 2, &view("A", CLAIMED, grant("A", &a, 1)))
                .unwrap_err()
                .code(),
            "custody"
        );
        let b = DeviceKey::from_secret(&[2; 32]);
        assert_eq!(
            s.step(&org, 2, &view("A", TRANSFERRED, grant("B", &b, 3)))
                .unwrap_err()
                .code(),
            "custody"
        );
    }

    #[test]
    fn a_recovery_needs_the_policys_recovery_key() {
        let org = Uuid::from_u128(1);
        let (a, c, admin) = (
            DeviceKey::from_secret(&[1; 32]),
            DeviceKey::from_secret(&[3; 32]),
            DeviceKey::from_secret(&[9; 32]),
        );
        let signed_by = |k: &DeviceKey| {
            let sig = k.sign(&recovery_message(&org, 2, &c.public(), "C"));
            json!({"device": "C", "key": c.public().to_string(), "epoch": 2, "signature": sig.to_string()})
        };
        let mut s = CustodyState::default();
        s.step(&org, 1, &view("A", CLAIMED, grant("A", &a, 1)))
            .unwrap();
        // No recovery key named yet.
        assert_eq!(
            s.step(&org, 2, &view("C", RECOVERED, signed_by(&admin)))
                .unwrap_err()
                .code(),
            "custody"
        );
        s.step(
            &org,
            2,
            &view(
                "A",
                POLICY,
                json!({"recovery_key": admin.public().to_string()}),
            ),
        )
        .unwrap();
        assert_eq!(
            s.step(&org, 3, &view("C", RECOVERED, signed_by(&a)))
                .unwrap_err()
                .code(),
            "custody"
        );
        assert_eq!(
            s.step(&org, 3, &view("C", RECOVERED, signed_by(&admin)))
                .unwrap(),
            Some(c.public())
        );
        assert_eq!(
            s.step(&org, 4, &view("A", "money.receipt", json!({})))
                .unwrap_err()
                .code(),
            "not_writer"
        );
    }
}
