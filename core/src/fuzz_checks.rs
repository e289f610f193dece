//! What fuzzing asserts about each decoder of outside input, written once: the
//! fuzz targets (`fuzz/`, cargo-fuzz) call these, and so does the regression
//! test that replays the kept corpora (`core/tests/fuzz_corpus.rs`) on stable.
//! Each must never panic, whatever the bytes; where it accepts, what it
//! accepts must hold up.

use crate::org::Calendar;

/// Amounts typed in any digits: an accepted amount reads back the same from
/// its plain form, and is never beyond what a decimal holds.
pub fn amount(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = crate::locale::parse_amount("amount", text) {
        let plain = d.to_string();
        let again = crate::money::parse_decimal("amount", &plain);
        assert_eq!(again.ok(), Some(d), "{text:?} read as {plain}");
        assert!(
            !(d.is_zero() && d.is_sign_negative()),
            "{text:?} gave a signed zero"
        );
    }
    let _ = crate::money::parse_decimal("amount", text);
}

/// Dates in both calendars: an accepted date is within the supported range and
/// converts back to the calendar it was typed in.
pub fn date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for calendar in [Calendar::Gregorian, Calendar::Persian] {
        if let Ok(d) = crate::locale::parse_date("date", text, calendar) {
            assert!(
                crate::locale::check_supported_date("date", d).is_ok(),
                "{text:?}"
            );
            assert!(crate::locale::to_calendar(d, calendar).is_ok(), "{text:?}");
        }
    }
}

/// Canonical event bytes: an accepted event encodes back to exactly its bytes.
pub fn event(data: &[u8]) {
    if let Ok(ev) = crate::event::Event::from_canonical_bytes(data) {
        let again = ev.canonical_bytes().expect("a decoded event encodes");
        assert_eq!(again, data, "an accepted event is its own canonical form");
        let _ = ev.body.journal();
    }
}

/// A command line as `daftar apply` reads it: an accepted command serialises
/// and digests, and reads back as itself.
pub fn command(data: &[u8]) {
    if let Ok(c) = serde_json::from_slice::<crate::Command>(data) {
        let text = serde_json::to_string(&c).expect("a command serialises");
        let back: crate::Command = serde_json::from_str(&text).expect("and reads back");
        assert_eq!(back, c);
        let _ = c.action();
    }
}

/// A chunk as it arrives from another device: reading never panics; an
/// accepted chunk writes back to a line that reads as itself; a receiver's
/// check never panics, and one that took the chunk answers it again (a retry)
/// with the same head.
pub fn chunk(data: &[u8]) {
    use daftar_sync::model::ModelServer;
    if let Ok(c) = daftar_sync::Chunk::parse(data) {
        let again = daftar_sync::Chunk::parse(c.to_line().as_bytes());
        assert_eq!(
            again.as_ref().ok(),
            Some(&c),
            "a chunk reads back as itself"
        );
        let mut server = ModelServer::default();
        if let Ok(head) = server.receive(&c) {
            assert_eq!(
                server.receive(&c).ok(),
                Some(head),
                "a retry is answered alike"
            );
        }
    }
}
