//! The canonical JSON of events (see docs/chain-format.md), and the JSON the
//! projections store.

use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Canonical JSON: RFC 8785 (JCS) with integers only, each within ±(2^53 − 1)
/// (see docs/chain-format.md). A value outside that profile is refused.
pub fn canonical_json(v: &Value) -> Result<Vec<u8>> {
    daftar_sync::jcs::canonical_json(v).map_err(|e| Error::invalid("event", e.to_string()))
}

/// A value stored as JSON text beside the log (loan terms, policies), written
/// canonically. Going through `Value` both ways keeps one serde_json code path
/// in the library instead of one per stored type, which the Android `.so` feels.
pub(crate) fn stored_json<T: serde::Serialize>(what: &str, v: &T) -> Result<String> {
    let value = serde_json::to_value(v).map_err(|e| Error::Storage {
        reason: format!("{what}: {e}"),
    })?;
    String::from_utf8(canonical_json(&value)?).map_err(internal)
}

/// Reads back what [`stored_json`] wrote.
pub(crate) fn parse_stored_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T> {
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Storage {
        reason: format!("{what}: {e}"),
    })?;
    serde_json::from_value(value).map_err(|e| Error::Storage {
        reason: format!("{what}: {e}"),
    })
}

pub(super) fn parse_uuid(s: &str) -> Result<Uuid> {
    let u = Uuid::parse_str(s).map_err(|e| Error::invalid("event", format!("uuid {s:?}: {e}")))?;
    if u.hyphenated().to_string() != s {
        return Err(Error::invalid(
            "event",
            format!("uuid {s:?} is not lower-case hyphenated"),
        ));
    }
    Ok(u)
}

pub(super) fn internal(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: format!("internal encoding error: {e}"),
    }
}

/// Refuses text an event may not carry: a control character, or text not in
/// Unicode NFC (the one form a name is stored in, so equal names are equal bytes).
pub(crate) fn check_event_text(v: &Value) -> std::result::Result<(), String> {
    let check = |s: &str| -> std::result::Result<(), String> {
        // Most text is ASCII: no normalisation to check, controls by byte.
        if s.is_ascii() && !s.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return Ok(());
        }
        if let Some(c) = s.chars().find(|c| c.is_control()) {
            return Err(format!(
                "text {s:?} holds the control character U+{:04X}",
                c as u32
            ));
        }
        if !unicode_normalization::is_nfc(s) {
            return Err(format!("text {s:?} is not in Unicode NFC"));
        }
        Ok(())
    };
    match v {
        Value::String(s) => check(s),
        Value::Array(a) => a.iter().try_for_each(check_event_text),
        Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            check(k)?;
            check_event_text(x)
        }),
        _ => Ok(()),
    }
}
