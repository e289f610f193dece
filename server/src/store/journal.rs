//! The server's books of each accepted event, made by daftar-core's own
//! decoder and journal: an event the core cannot read is refused, and the
//! journal lines the server sums are exactly those the phone posts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
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

/// The account header a line counts under: a member's sub-ledger `2100-0007`
/// under `2100`.
pub fn header(account: &str) -> &str {
    account.split('-').next().unwrap_or(account)
}

/// Sums of a batch of events, by business date: journal lines per account
/// header, and meetings and members. Stored by day and by month.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: BTreeMap<(NaiveDate, String), i64>,
    /// (meetings closed less reopened, members added, members exited) by day.
    pub activity: BTreeMap<NaiveDate, (i32, i32, i32)>,
}

impl Totals {
    pub fn of(events: &[NewEvent]) -> Totals {
        let mut t = Totals::default();
        for e in events {
            t.add(&e.event);
        }
        t
    }

    pub fn add(&mut self, event: &Event) {
        let day = event.date;
        for line in event.body.journal().unwrap_or_default() {
            *self
                .lines
                .entry((day, header(&line.account).to_string()))
                .or_default() += line.amount;
        }
        let a = self.activity.entry(day).or_default();
        match &event.body {
            EventBody::MeetingClosed { .. } => a.0 += 1,
            EventBody::MeetingReopened { .. } => a.0 -= 1,
            EventBody::MemberAdded { .. } => a.1 += 1,
            EventBody::MemberExited(_) => a.2 += 1,
            _ => {}
        }
    }

    /// Adds these sums to `org`'s day and month rows, in one statement: the
    /// push's path counts its round trips.
    pub async fn store(mut self, tx: &Transaction<'_>, org: Uuid) -> Result<()> {
        self.lines.retain(|_, v| *v != 0);
        self.activity.retain(|_, a| *a != (0, 0, 0));
        if self.lines.is_empty() && self.activity.is_empty() {
            return Ok(());
        }
        let (mut days, mut accounts, mut nets) = (vec![], vec![], vec![]);
        for ((day, account), net) in &self.lines {
            days.push(*day);
            accounts.push(account.as_str());
            nets.push(*net);
        }
        let (mut active, mut meetings, mut added, mut exited) = (vec![], vec![], vec![], vec![]);
        for (day, (m, a, x)) in &self.activity {
            active.push(*day);
            meetings.push(*m);
            added.push(*a);
            exited.push(*x);
        }
        super::exec(
            tx,
            "WITH lines AS (
                 SELECT * FROM UNNEST($2::date[], $3::text[], $4::bigint[]) AS l(day, account, net)),
             activity AS (
                 SELECT * FROM UNNEST($5::date[], $6::int[], $7::int[], $8::int[])
                          AS a(day, meetings, added, exited)),
             day_lines AS (
                 INSERT INTO day_totals (org_id, day, account, net)
                 SELECT $1, day, account, net FROM lines
                 ON CONFLICT (org_id, day, account)
                 DO UPDATE SET net = day_totals.net + excluded.net),
             month_lines AS (
                 INSERT INTO month_totals (org_id, month, account, net)
                 SELECT $1, date_trunc('month', day)::date, account, sum(net) FROM lines
                  GROUP BY 2, 3
                 ON CONFLICT (org_id, month, account)
                 DO UPDATE SET net = month_totals.net + excluded.net),
             day_activity_rows AS (
                 INSERT INTO day_activity (org_id, day, meetings, members_added, members_exited)
                 SELECT $1, day, meetings, added, exited FROM activity
                 ON CONFLICT (org_id, day) DO UPDATE SET
                    meetings = day_activity.meetings + excluded.meetings,
                    members_added = day_activity.members_added + excluded.members_added,
                    members_exited = day_activity.members_exited + excluded.members_exited)
             INSERT INTO month_activity (org_id, month, meetings, members_added, members_exited)
             SELECT $1, date_trunc('month', day)::date, sum(meetings), sum(added), sum(exited)
               FROM activity GROUP BY 2
             ON CONFLICT (org_id, month) DO UPDATE SET
                meetings = month_activity.meetings + excluded.meetings,
                members_added = month_activity.members_added + excluded.members_added,
                members_exited = month_activity.members_exited + excluded.members_exited",
            &[
                &org, &days, &accounts, &nets, &active, &meetings, &added, &exited,
            ],
        )
        .await
        .map_err(Error::Database)?;
        Ok(())
    }
}

/// Events read per batch when an organisation's sums are made again.
const REBUILD_BATCH: i64 = 10_000;

/// Makes `org`'s day and month sums again from its stored events, under its
/// chain's row lock (a push waits): for books stored before the day sums
/// existed. Returns the events read.
pub async fn rebuild(tx: &Transaction<'_>, org: Uuid) -> Result<u64> {
    super::rows(
        tx,
        "SELECT 1 FROM chains WHERE org_id = $1 FOR UPDATE",
        &[&org],
    )
    .await?;
    for table in [
        "day_totals",
        "month_totals",
        "day_activity",
        "month_activity",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE org_id = $1"), &[&org])
            .await?;
    }
    let (mut after, mut read) = (0i64, 0u64);
    loop {
        let rows = super::rows(
            tx,
            "SELECT seq, canonical FROM events WHERE org_id = $1 AND seq > $2
              ORDER BY seq LIMIT $3",
            &[&org, &after, &REBUILD_BATCH],
        )
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.get(0);
        let mut totals = Totals::default();
        for r in &rows {
            let event = Event::from_canonical_bytes(r.get::<_, &[u8]>(1)).map_err(|e| {
                Error::Internal(format!("stored event {} of {org}: {e}", r.get::<_, i64>(0)))
            })?;
            totals.add(&event);
        }
        read += rows.len() as u64;
        totals.store(tx, org).await?;
    }
    tx.execute("DELETE FROM totals_to_rebuild WHERE org_id = $1", &[&org])
        .await?;
    Ok(read)
}

/// Rebuilds the sums of every organisation listed in `totals_to_rebuild`,
/// each in its own transaction; returns how many.
pub async fn rebuild_pending(pool: &deadpool_postgres::Pool) -> Result<usize> {
    let mut client = pool.get().await?;
    let orgs: Vec<Uuid> = client
        .query("SELECT org_id FROM totals_to_rebuild ORDER BY org_id", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for org in &orgs {
        let tx = client.transaction().await?;
        let events = rebuild(&tx, *org).await?;
        tx.commit().await?;
        tracing::info!(%org, events, "day and month sums made again");
    }
    Ok(orgs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_sub_ledger_counts_under_its_header() {
        assert_eq!(header("2100-0007"), "2100");
        assert_eq!(header("1100"), "1100");
    }
}
