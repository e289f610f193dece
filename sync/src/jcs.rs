//! Canonical JSON as RFC 8785 (JSON Canonicalization Scheme) writes it, for
//! the values daftar puts in events: integers only, and each within the range
//! a JCS implementation holds exactly (an IEEE double's 53 bits). Any JCS
//! library in any language then gives the same bytes as this one.

use serde_json::Value;

/// The largest integer an RFC 8785 implementation holds exactly: 2^53 − 1.
pub const MAX_EXACT_INTEGER: i64 = (1 << 53) - 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JcsError {
    #[error("a number that is not an integer has no canonical form here: {0}")]
    NotInteger(String),
    #[error("the integer {0} is beyond ±(2^53 − 1), which JCS cannot hold exactly")]
    OutOfRange(String),
}

/// The canonical bytes of `v`.
pub fn canonical_json(v: &Value) -> Result<Vec<u8>, JcsError> {
    let mut out = Vec::with_capacity(256);
    write_value(v, &mut out, MAX_EXACT_INTEGER)?;
    Ok(out)
}

/// The same form with integers over the whole signed 64-bit range, as the
/// first books were written: for reading those back, never for writing.
pub fn canonical_json_i64(v: &Value) -> Result<Vec<u8>, JcsError> {
    let mut out = Vec::with_capacity(256);
    write_value(v, &mut out, i64::MAX)?;
    Ok(out)
}

fn write_value(v: &Value, out: &mut Vec<u8>, limit: i64) -> Result<(), JcsError> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            let i = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i,
                (None, Some(_)) => return Err(JcsError::OutOfRange(n.to_string())),
                (None, None) => return Err(JcsError::NotInteger(n.to_string())),
            };
            if i < -limit || i > limit {
                return Err(JcsError::OutOfRange(i.to_string()));
            }
            write_integer(i, out);
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push(b'[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(x, out, limit)?;
            }
            out.push(b']');
        }
        Value::Object(m) => {
            // RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units.
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort_by(|a, b| utf16_order(a, b));
            out.push(b'{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_value(&m[k.as_str()], out, limit)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2 (ECMAScript's JSON.stringify): `"` and `\` escaped, the
/// five controls with a short form as `\b \t \n \f \r`, other controls below
/// U+0020 as `\u00xx` in lower-case hex, everything else as its UTF-8 bytes.
pub fn write_string(s: &str, out: &mut Vec<u8>) {
    // Only ASCII bytes are ever escaped, and no byte of a multi-byte UTF-8
    // sequence is ASCII: runs between escapes are copied whole.
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0c => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// An integer's decimal digits, with no allocation.
fn write_integer(i: i64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = i.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[at..]);
}

/// RFC 8785's order of member names: by UTF-16 code units. For ASCII names
/// that is their byte order, which is compared directly.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: Value) -> String {
        String::from_utf8(canonical_json(&v).unwrap()).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_rfc_8785_does() {
        let v = json!({"s": "a\"b\\c\n\t\r\u{8}\u{c}\u{1}/é\u{7f}\u{2028}"});
        assert_eq!(
            text(v),
            "{\"s\":\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001/é\u{7f}\u{2028}\"}"
        );
    }

    #[test]
    fn members_sort_by_utf16_code_units_not_utf8_bytes() {
        // In UTF-8 bytes U+FB01 (EF..) sorts before U+1F600 (F0..); in UTF-16
        // code units U+1F600 (D83D DE00) sorts before U+FB01.
        let v = json!({"\u{1f600}": 1, "\u{fb01}": 2, "a": 3, "B": 4});
        assert_eq!(text(v), "{\"B\":4,\"a\":3,\"\u{1f600}\":1,\"\u{fb01}\":2}");
    }

    #[test]
    fn integers_beyond_53_bits_and_fractions_are_refused() {
        assert_eq!(
            text(json!([MAX_EXACT_INTEGER, -MAX_EXACT_INTEGER, 0])),
            "[9007199254740991,-9007199254740991,0]"
        );
        assert!(matches!(
            canonical_json(&json!(MAX_EXACT_INTEGER + 1)),
            Err(JcsError::OutOfRange(_))
        ));
        assert!(matches!(
            canonical_json(&json!(u64::MAX)),
            Err(JcsError::OutOfRange(_))
        ));
        assert!(matches!(
            canonical_json(&json!(1.5)),
            Err(JcsError::NotInteger(_))
        ));
    }

    proptest::proptest! {
        // serde_json escapes strings exactly as RFC 8785 does (short forms,
        // other controls as lower-case \u00xx, nothing else): an oracle.
        #[test]
        fn a_string_is_written_as_serde_json_writes_it(s in ".*", c in proptest::char::range('\u{0}', '\u{1f}')) {
            for text in [s.clone(), format!("{c}{s}{c}")] {
                let mut out = Vec::new();
                write_string(&text, &mut out);
                proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
            }
        }

        #[test]
        fn an_integer_is_written_as_its_decimal_digits(i in proptest::num::i64::ANY) {
            let mut out = Vec::new();
            write_integer(i, &mut out);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), i.to_string());
        }

        #[test]
        fn names_are_ordered_by_utf16_code_units(a in "\\PC{0,6}", b in "[a-z\u{e000}-\u{e00f}\u{10000}-\u{10010}]{0,4}") {
            proptest::prop_assert_eq!(utf16_order(&a, &b), a.encode_utf16().cmp(b.encode_utf16()));
        }
    }
}
