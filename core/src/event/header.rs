//! An event's envelope against its canonical bytes, without decoding its
//! body: what the chain check compares with the stored row's columns. The
//! bytes are hashed as they are, so nothing else of them is needed there;
//! the full verify's replay decodes every body.
//!
//! The check writes the envelope the columns say, as the canonical form
//! (`docs/chain-format.md`) writes it, and compares bytes: the canonical
//! bytes must begin with its actor and end with the rest of it, in version 2
//! or version 1. Only when they do not is the envelope parsed, to name the
//! column that differs.

use std::borrow::Cow;

use serde::Deserialize;

/// The envelope fields of one event, borrowed from its bytes where they hold
/// no escapes.
#[derive(Debug, Deserialize)]
pub struct EventHeader<'a> {
    #[serde(borrow)]
    pub org: Cow<'a, str>,
    #[serde(borrow)]
    pub op_id: Cow<'a, str>,
    #[serde(borrow)]
    pub actor: Cow<'a, str>,
    #[serde(borrow)]
    pub device: Cow<'a, str>,
    #[serde(borrow)]
    pub recorded_at: Cow<'a, str>,
    #[serde(borrow)]
    pub date: Cow<'a, str>,
    #[serde(borrow)]
    pub kind: Cow<'a, str>,
    /// Version 2's command digest, as 64 lower-case hex digits.
    #[serde(borrow, default)]
    pub command: Option<Cow<'a, str>>,
}

impl<'a> EventHeader<'a> {
    /// Reads the envelope; the body and the version are skipped unread.
    pub fn read(canonical: &'a [u8]) -> Result<EventHeader<'a>, String> {
        serde_json::from_slice(canonical).map_err(|e| format!("not an event's envelope: {e}"))
    }

    /// Whether the command digest, if the event carries one, is `digest`.
    pub fn command_is(&self, digest: &[u8]) -> bool {
        self.command
            .as_deref()
            .is_none_or(|c| super::parse_digest(c).is_ok_and(|d| d[..] == digest[..]))
    }
}

/// The envelope as an events row's columns hold it.
pub struct EnvelopeColumns<'r> {
    pub org: &'r str,
    pub kind: &'r str,
    pub op_id: &'r str,
    pub actor: &'r str,
    pub device: &'r str,
    pub recorded_at: &'r str,
    pub date: &'r str,
    pub command_digest: &'r [u8],
}

impl EnvelopeColumns<'_> {
    /// Whether `canonical` carries exactly this envelope, around a body of at
    /// least two bytes. `scratch` is reused from one event to the next.
    pub fn written_in(&self, canonical: &[u8], scratch: &mut Vec<u8>) -> bool {
        scratch.clear();
        scratch.extend_from_slice(b"{\"actor\":");
        json_string(scratch, self.actor);
        scratch.extend_from_slice(b",\"body\":");
        let prefix = scratch.len();
        if !canonical.starts_with(scratch) {
            return false;
        }
        for version in [2u8, 1] {
            scratch.truncate(prefix);
            if version == 2 {
                if self.command_digest.len() != 32 {
                    continue;
                }
                scratch.extend_from_slice(b",\"command\":\"");
                for b in self.command_digest {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    scratch.push(HEX[usize::from(b >> 4)]);
                    scratch.push(HEX[usize::from(b & 15)]);
                }
                scratch.push(b'"');
            }
            for (name, value) in [
                ("date", self.date),
                ("device", self.device),
                ("kind", self.kind),
                ("op_id", self.op_id),
                ("org", self.org),
                ("recorded_at", self.recorded_at),
            ] {
                scratch.extend_from_slice(b",\"");
                scratch.extend_from_slice(name.as_bytes());
                scratch.extend_from_slice(b"\":");
                json_string(scratch, value);
            }
            scratch.extend_from_slice(if version == 2 {
                b",\"v\":2}"
            } else {
                b",\"v\":1}"
            });
            let suffix = &scratch[prefix..];
            if canonical.len() >= prefix + 2 + suffix.len() && canonical.ends_with(suffix) {
                return true;
            }
        }
        false
    }
}

/// `s` as a JSON string, as the canonical form writes it: only `"`, `\` and
/// control characters escaped.
fn json_string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Writing to a Vec does not fail; if it ever did, the bytes would
        // not match and the envelope would be parsed instead.
        out.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns<'a>(actor: &'a str, digest: &'a [u8]) -> EnvelopeColumns<'a> {
        EnvelopeColumns {
            org: "01930000-0000-7000-8000-000000000001",
            kind: "savings.deposit",
            op_id: "01930000-0000-7000-8000-000000000002",
            actor,
            device: "p",
            recorded_at: "2025-04-01T10:00:00Z",
            date: "2025-04-01",
            command_digest: digest,
        }
    }

    #[test]
    fn the_envelope_is_matched_as_bytes_in_both_versions_and_a_changed_column_is_not() {
        let v1 = br#"{"actor":"s\"ita","body":{"amount":1,"x":[1,{"y":"z"}]},"date":"2025-04-01","device":"p","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":1}"#;
        let v2 = format!(
            r#"{{"actor":"sita","body":{{"amount":1}},"command":"{}","date":"2025-04-01","device":"p","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":2}}"#,
            "ab".repeat(32)
        );
        let mut scratch = Vec::new();
        assert!(columns("s\"ita", &[7; 32]).written_in(v1, &mut scratch));
        assert!(columns("sita", &[0xab; 32]).written_in(v2.as_bytes(), &mut scratch));
        // Each column changed in turn: the bytes no longer match.
        assert!(!columns("sita", &[0xac; 32]).written_in(v2.as_bytes(), &mut scratch));
        assert!(!columns("sitA", &[0xab; 32]).written_in(v2.as_bytes(), &mut scratch));
        let mut c = columns("sita", &[0xab; 32]);
        c.kind = "savings.withdrawal";
        assert!(!c.written_in(v2.as_bytes(), &mut scratch));
        let mut c = columns("sita", &[0xab; 32]);
        c.recorded_at = "2025-04-01T10:00:01Z";
        assert!(!c.written_in(v2.as_bytes(), &mut scratch));
        // A version 2 event stripped of its command, and a body that is not there.
        let stripped = v2.replace(&format!(r#""command":"{}","#, "ab".repeat(32)), "");
        assert!(!columns("sita", &[0xab; 32]).written_in(stripped.as_bytes(), &mut scratch));
        let bodiless = br#"{"actor":"sita","body":,"date":"2025-04-01","device":"p","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":1}"#;
        assert!(!columns("sita", &[7; 32]).written_in(bodiless, &mut scratch));
    }

    #[test]
    fn the_header_reads_the_envelope_with_escapes_and_without_a_command() {
        let bytes = br#"{"actor":"s\"ita","body":{"amount":1,"x":[1,{"y":"z"}]},"date":"2025-04-01","device":"p","kind":"savings.deposit","op_id":"01930000-0000-7000-8000-000000000002","org":"01930000-0000-7000-8000-000000000001","recorded_at":"2025-04-01T10:00:00Z","v":1}"#;
        let h = EventHeader::read(bytes).unwrap();
        assert_eq!(h.actor, "s\"ita");
        assert_eq!(h.kind, "savings.deposit");
        assert_eq!(h.date, "2025-04-01");
        assert!(h.command.is_none());
        assert!(h.command_is(&[7; 32]));
        assert!(EventHeader::read(b"{\"org\":1}").is_err());
    }
}
