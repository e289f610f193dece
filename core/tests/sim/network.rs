//! The network and the phones: pushes, pulls, hand-overs, lost phones, stale writes and restarts.

use super::*;
use crate::common::*;
use daftar_core::exchange::Chunk;
use daftar_core::meetings::MeetingStatus;
use daftar_core::*;
use daftar_sync::signing::recovery_message;

impl World {
    /// A push through a faulty network: chunks dropped from some point on, one
    /// sent twice, two swapped, and the acknowledgement maybe lost.
    pub(crate) fn push(&mut self, p: usize, o: usize, clean: bool) {
        let org = self.orgs[o];
        if !self.holds(p, o) {
            return;
        }
        let book = self.book(p);
        let after = book
            .sync_state(org)
            .unwrap()
            .acknowledged
            .map_or(0, |h| h.seq);
        let size = if clean {
            1 << 20
        } else {
            200 + self.rng.usize(0..3000)
        };
        let mut chunks = self
            .book(p)
            .bundle_sized(org, after, size)
            .unwrap_or_default();
        if !clean {
            if self.rng.u8(0..4) == 0 {
                let keep = self.rng.usize(0..=chunks.len());
                chunks.truncate(keep);
            }
            if !chunks.is_empty() && self.rng.bool() {
                let i = self.rng.usize(0..chunks.len());
                chunks.insert(i, chunks[i].clone());
            }
            if chunks.len() >= 2 && self.rng.u8(0..3) == 0 {
                let i = self.rng.usize(0..chunks.len() - 1);
                chunks.swap(i, i + 1);
            }
        }
        let mut acked = None;
        let from = self.phones[p].book.as_ref().unwrap();
        for c in &chunks {
            let c = Chunk::parse(c.to_line().as_bytes()).unwrap();
            match self.server.receive(from, &c) {
                Ok(head) => acked = Some(head),
                Err(r) => {
                    assert!(!clean, "a clean push from phone-{p} was refused: {r}");
                    assert_eq!(r.code, "gap", "phone-{p}'s chunk: {r}");
                    self.stats.refused_chunks += 1;
                }
            }
        }
        let lose_ack = !clean && self.rng.u8(0..3) == 0;
        self.stats.lost_acks += (lose_ack && acked.is_some()) as u32;
        if let (Some(head), false) = (acked, lose_ack) {
            // The server holds this head of this chain: it is the phone's too.
            self.book(p)
                .acknowledge(org, head, None)
                .unwrap_or_else(|e| panic!("phone-{p} does not hold the server's head: {e}"));
        }
    }

    /// A phone fetches what the server has after its own head, each chunk
    /// maybe twice, until it has all of it.
    pub(crate) fn pull(&mut self, p: usize, o: usize) {
        let org = self.orgs[o];
        loop {
            let book = self.phones[p].book.as_ref().unwrap();
            let after = book.chain_head(org).map_or(0, |h| h.0);
            let Some(c) = self.server.pull(book, org, after) else {
                return;
            };
            let twice = self.rng.u8(0..4) == 0;
            for _ in 0..(1 + twice as u8) {
                let c = Chunk::parse(c.to_line().as_bytes()).unwrap();
                self.book(p)
                    .ingest(&c)
                    .unwrap_or_else(|e| panic!("phone-{p} refused the server's chain: {e}"));
            }
        }
    }

    /// The custodian hands the book to a phone that has it up to the server's
    /// head, after pushing everything cleanly.
    pub(crate) fn hand_over(&mut self, o: usize) {
        let org = self.orgs[o];
        let from = self.model[o].custodian;
        let to = (from + 1 + self.rng.usize(0..PHONES - 1)) % PHONES;
        self.push(from, o, true);
        self.pull(to, o);
        let id = self.book(to).device().unwrap().unwrap();
        self.book(from)
            .hand_over(
                &on(&self.phones[from]),
                org,
                self.date,
                &id.device,
                id.public_key,
            )
            .unwrap();
        self.model[o].custodian = to;
        // The hand-over travels through the network like anything else.
        let clean = self.rng.bool();
        self.push(from, o, clean);
        self.push(from, o, true);
        self.pull(to, o);
        assert_eq!(
            self.book(to).custody(org).unwrap().unwrap().device,
            self.phones[to].name
        );
        self.stats.hand_overs += 1;
    }

    /// The custodian's phone is lost: what it never pushed is gone with it. A
    /// new phone takes its place, restores every book from the server, and the
    /// administrator signs the recovery of the lost phone's organisations.
    pub(crate) fn lose(&mut self, p: usize) {
        let mut server_heads = Vec::new();
        for &org in &self.orgs {
            server_heads.push(self.server.head(org).map_or(0, |h| h.seq));
        }
        let name = format!("{}-new{}", self.phones[p].name, self.lost.len());
        let path = self.phones[p]
            .path
            .with_extension(format!("new{}", self.lost.len()));
        let book = Book::open(&path).unwrap();
        book.device_identity(&name).unwrap();
        // An administrator lets the new phone restore what the server holds.
        self.server.join(&book);
        for (o, &held) in server_heads.iter().enumerate() {
            if held > 0 {
                self.server.grant(&book, self.orgs[o]);
            }
        }
        let old = std::mem::replace(
            &mut self.phones[p],
            Phone {
                path,
                book: Some(book),
                name,
            },
        );
        self.stats.lost_phones += 1;
        self.lost.push(old);
        for (o, &held) in server_heads.iter().enumerate() {
            if held > 0 {
                self.pull(p, o);
            }
            if self.model[o].custodian != p {
                continue;
            }
            // Writes the server never acknowledged are lost with the phone.
            self.model[o].forget_after(held);
            let org = self.orgs[o];
            let id = self.book(p).device().unwrap().unwrap();
            let epoch = self.book(p).custody(org).unwrap().unwrap().epoch + 1;
            let sig = self
                .admin
                .sign(&recovery_message(&org, epoch, &id.public_key, &id.device));
            self.book(p)
                .recover_custody(&on(&self.phones[p]), org, self.date, sig)
                .unwrap();
            // A meeting whose closing was lost with the phone stays open in the
            // restored book: the new book keeper closes it, counting the cash
            // the book holds.
            let book = self.book(p);
            let open = book
                .meetings(org)
                .unwrap()
                .into_iter()
                .find(|m| m.status == MeetingStatus::Open);
            if let Some(m) = open {
                let cash = book.balance(org, "1100").unwrap();
                book.close_meeting(&on(&self.phones[p]), org, m.meeting_no, cash, None)
                    .unwrap();
                self.stats.meetings_left_open += 1;
            }
            self.push(p, o, true);
        }
    }

    /// A lost phone turns up and writes and pushes as if nothing happened.
    pub(crate) fn stale_write(&mut self, l: usize, o: usize) {
        let org = self.orgs[o];
        let phone = &self.lost[l];
        let book = phone.book.as_ref().unwrap();
        if book.chain_head(org).map_or(true, |h| h.0 == 0) {
            return;
        }
        if book
            .deposit_savings(&on(phone), org, deposit(1, "7"))
            .is_ok()
        {
            self.model[o].stale_writes += 1;
            let before = self.server.head(org);
            let after = book
                .sync_state(org)
                .unwrap()
                .acknowledged
                .map_or(0, |h| h.seq);
            for c in book.bundle(org, after).unwrap_or_default() {
                match self.server.receive(book, &c) {
                    Err(r) => {
                        assert!(
                            ["not_writer", "fork", "gap"].contains(&r.code.as_str()),
                            "{r}"
                        );
                        self.stats.stale_writes_refused += (r.code != "gap") as u32;
                    }
                    Ok(head) => panic!("a lost phone's stale write was accepted up to {head:?}"),
                }
            }
            assert_eq!(
                self.server.head(org),
                before,
                "a stale write reached the chain"
            );
        }
    }

    pub(crate) fn restart(&mut self, p: usize) {
        let phone = &mut self.phones[p];
        phone.book.take().unwrap().close().unwrap();
        phone.book = Some(Book::open(&phone.path).unwrap());
        self.stats.restarts += 1;
    }
}
