//! An event's envelope read from its canonical bytes without decoding its
//! body: what the chain check compares with the stored row's columns. The
//! bytes are hashed as they are, so nothing else of them is needed there;
//! the full verify's replay decodes every body.

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

#[cfg(test)]
mod tests {
    use super::*;

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
