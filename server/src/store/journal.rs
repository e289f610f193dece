//! The server's books of each accepted event, made by daftar-core's own
//! decoder and journal: an event the core cannot read is refused, and the
//! journal lines the server sums are exactly those the phone posts.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use daftar_core::event::{Event, EventBody};
use daftar_sync::{Chunk, Hash, Refusal};
use deadpool_postgres::Transaction;
use uuid::Uuid;

use crate::error::{Error, Result};

/// An accepted event: its seq, hash, bytes, and the core's reading of them.
pub struct NewEvent {
    pub seq: u64,
    pub hash: Hash,
    pub canonical: String,
    pub event: Event,
}

/// Decodes the chunk's new events with the core; one it cannot take refuses
/// the whole chunk as `does_not_apply`.
pub fn decode_new_events(
    chunk: &Chunk,
    first_new: usize,
    hashes: &[Hash],
    first_seq: u64,
) -> Result<Vec<NewEvent>> {
    let mut out = Vec::with_capacity(chunk.events.len() - first_new);
    for (i, text) in chunk.events.iter().enumerate().skip(first_new) {
        let seq = first_seq + (i - first_new) as u64;
        let event = Event::from_canonical_bytes(text.as_bytes()).map_err(|e| {
            Error::Refused(Refusal::DoesNotApply {
                seq,
                reason: e.to_string(),
            })
        })?;
        out.push(NewEvent {
            seq,
            hash: hashes[i],
            canonical: text.clone(),
            event,
        });
    }
    Ok(out)
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The account header a line counts under: a member's sub-ledger `2100-0007`
/// under `2100`.
pub fn header(account: &str) -> &str {
    account.split('-').next().unwrap_or(account)
}

/// Sums of a batch of events, by month: journal lines per account header, and
/// meetings and members.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: BTreeMap<(NaiveDate, String), i64>,
    /// (meetings closed less reopened, members added, members exited) by month.
    pub activity: BTreeMap<NaiveDate, (i32, i32, i32)>,
}

impl Totals {
    pub fn of(events: &[NewEvent]) -> Totals {
        let mut t = Totals::default();
        for e in events {
            let month = month_of(e.event.date);
            for line in e.event.body.journal().unwrap_or_default() {
                *t.lines
                    .entry((month, header(&line.account).to_string()))
                    .or_default() += line.amount;
            }
            let a = t.activity.entry(month).or_default();
            match &e.event.body {
                EventBody::MeetingClosed { .. } => a.0 += 1,
                EventBody::MeetingReopened { .. } => a.0 -= 1,
                EventBody::MemberAdded { .. } => a.1 += 1,
                EventBody::MemberExited(_) => a.2 += 1,
                _ => {}
            }
        }
        t.lines.retain(|_, v| *v != 0);
        t.activity.retain(|_, a| *a != (0, 0, 0));
        t
    }

    pub async fn store(&self, tx: &Transaction<'_>, org: Uuid) -> Result<()> {
        let (mut months, mut accounts, mut nets) = (vec![], vec![], vec![]);
        for ((month, account), net) in &self.lines {
            months.push(*month);
            accounts.push(account.as_str());
            nets.push(*net);
        }
        if !months.is_empty() {
            super::exec(
                tx,
                "INSERT INTO month_totals (org_id, month, account, net)
                 SELECT $1, * FROM UNNEST($2::date[], $3::text[], $4::bigint[])
                 ON CONFLICT (org_id, month, account)
                 DO UPDATE SET net = month_totals.net + excluded.net",
                &[&org, &months, &accounts, &nets],
            )
            .await
            .map_err(Error::Database)?;
        }
        let (mut months, mut meetings, mut added, mut exited) = (vec![], vec![], vec![], vec![]);
        for (month, (m, a, x)) in &self.activity {
            months.push(*month);
            meetings.push(*m);
            added.push(*a);
            exited.push(*x);
        }
        if !months.is_empty() {
            super::exec(
                tx,
                "INSERT INTO month_activity (org_id, month, meetings, members_added, members_exited)
                 SELECT $1, * FROM UNNEST($2::date[], $3::int[], $4::int[], $5::int[])
                 ON CONFLICT (org_id, month) DO UPDATE SET
                    meetings = month_activity.meetings + excluded.meetings,
                    members_added = month_activity.members_added + excluded.members_added,
                    members_exited = month_activity.members_exited + excluded.members_exited",
                &[&org, &months, &meetings, &added, &exited],
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_sub_ledger_counts_under_its_header() {
        assert_eq!(header("2100-0007"), "2100");
        assert_eq!(header("1100"), "1100");
    }

    #[test]
    fn a_month_is_named_by_its_first_day() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 28).unwrap();
        assert_eq!(month_of(d), NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
    }
}
