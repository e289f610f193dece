//! The canonical JSON of events (see docs/chain-format.md), and the JSON the
//! projections store.

use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace, integers
/// only, strings escaped minimally (`"` `\` and U+0000–U+001F as `\u00xx`).
pub fn canonical_json(v: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    write_canonical(v, &mut out)?;
    Ok(out)
}

pub(super) fn write_canonical(v: &Value, out: &mut Vec<u8>) -> Result<()> {
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

pub(super) fn write_string(s: &str, out: &mut Vec<u8>) {
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
