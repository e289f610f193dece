//! `daftar apply`: records commands read as JSON lines, each with its op_id,
//! actor and device, and prints each outcome as a JSON line.

use std::io::BufRead;
use std::process::ExitCode;

use daftar_core::{event::hex, Book, Command, CommandMeta, Error, Outcome};
use serde::Deserialize;
use uuid::Uuid;

/// One line of input: who records which command, under which op_id.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    op_id: Uuid,
    actor: String,
    device: String,
    /// The device clock, `YYYY-MM-DDTHH:MM:SSZ`; the system clock if left out.
    #[serde(default)]
    recorded_at: Option<String>,
    /// The actor's PIN, for what an approver does (docs/commands.md).
    #[serde(default)]
    pin: Option<String>,
    command: Command,
}

/// The longest line read, in bytes: far above any real command, and a bound on
/// what a malformed file can make the tool hold.
const MAX_LINE_BYTES: usize = 1 << 20;

/// Applies every line of `input` to the book. Blank lines and lines starting
/// with `#` are skipped. The first refused line stops the run (exit 1) unless
/// `keep_going`; the lines before it stay recorded. Returns how many were refused.
pub fn run(book: &Book, input: &mut dyn BufRead, keep_going: bool) -> Result<ExitCode, Error> {
    let mut refused = 0u64;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    // Commands share commits (bulk mode); each is still checked and recorded on
    // its own, and a re-run of the same file writes nothing new.
    book.begin_bulk()?;
    loop {
        buf.clear();
        let n = read_line(input, &mut buf)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim(),
            Err(_) => {
                refused += 1;
                report_refusal(line_no, &invalid("line", "is not UTF-8".into()));
                if !keep_going {
                    break;
                }
                continue;
            }
        };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        match apply_line(book, text) {
            Ok(o) => say_outcome(line_no, &o),
            Err(e) => {
                refused += 1;
                report_refusal(line_no, &e);
                if !keep_going {
                    break;
                }
            }
        }
    }
    book.finish_bulk()?;
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> Result<usize, Error> {
    let n = std::io::Read::take(input, MAX_LINE_BYTES as u64 + 1).read_until(b'\n', buf)?;
    if buf.len() > MAX_LINE_BYTES {
        return Err(invalid(
            "line",
            format!("is longer than {MAX_LINE_BYTES} bytes"),
        ));
    }
    Ok(n)
}

fn invalid(field: &str, reason: String) -> Error {
    Error::InvalidInput {
        field: field.into(),
        reason,
    }
}

fn apply_line(book: &Book, text: &str) -> Result<Outcome, Error> {
    let line: Line = serde_json::from_str(text).map_err(|e| invalid("command", e.to_string()))?;
    let meta = CommandMeta {
        op_id: line.op_id,
        actor: line.actor,
        device: line.device,
        recorded_at: line.recorded_at,
        pin: line.pin.as_deref().map(daftar_core::pins::Pin::new),
    };
    book.execute(&meta, line.command)
}

fn say_outcome(line: u64, o: &Outcome) {
    let v = serde_json::json!({
        "line": line,
        "org": o.org_id.to_string(),
        "seq": o.seq,
        "hash": hex(&o.hash),
        "number": o.number,
        "replayed": o.replayed,
    });
    sayln!("{v}");
}

fn report_refusal(line: u64, e: &Error) {
    let v = serde_json::json!({
        "line": line,
        "error": e.to_string(),
        "code": e.code().as_str(),
    });
    sayln!("{v}");
    esayln!("daftar: line {line}: {e} [{}]", e.code());
}
