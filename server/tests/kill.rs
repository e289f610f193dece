//! The server killed with SIGKILL, many times, while phones push: every push
//! that was acknowledged is there, nothing is doubled, and every chain
//! verifies on the server and restores into a book that verifies.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use daftar_sync::api::Receipt;
use daftar_sync::{chain_hash, Head, GENESIS};
use support::*;

const PHONES: u64 = 4;
const KILLS: u32 = 12;

#[test]
fn acknowledged_pushes_survive_sigkill_and_nothing_is_doubled() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(Mutex::new(Server::start(&db, dir.path(), &[])));
    let url = Arc::new(Mutex::new(server.lock().unwrap().url.clone()));
    let mut phones = vec![];
    for i in 0..PHONES {
        let (book, org) = phone(dir.path(), &format!("phone-{i}"), 100 + i, 40);
        claim(&book, org);
        register(&url.lock().unwrap(), &book);
        phones.push((book, org));
    }
    let failures = std::sync::atomic::AtomicU64::new(0);
    let acked: Vec<Head> = std::thread::scope(|s| {
        let workers: Vec<_> = phones
            .iter()
            .enumerate()
            .map(|(i, (book, org))| {
                let url = Arc::clone(&url);
                let failures = &failures;
                s.spawn(move || {
                    let mut acked = Head::EMPTY;
                    let mut rng = fastrand::Rng::with_seed(i as u64);
                    // Small chunks, so kills land between and inside pushes.
                    let chunks = book.bundle_sized(*org, 0, 4 << 10).unwrap();
                    let mut next = 0;
                    while next < chunks.len() {
                        let chunk = &chunks[next];
                        let path = format!("/v1/orgs/{org}/chunks");
                        let target = url.lock().unwrap().clone();
                        let line = chunk.to_line();
                        match try_call(&target, "POST", &path, line.as_bytes(), As::Device(book)) {
                            Ok((200, answer)) => {
                                let r: Receipt = serde_json::from_value(answer).unwrap();
                                assert_eq!(r.head, chunk.head);
                                acked = r.head;
                                // Sometimes the acknowledgement is lost: send it again.
                                if rng.u8(..) < 60 {
                                    continue;
                                }
                                next += 1;
                            }
                            Ok((503, _)) | Err(_) => {
                                failures.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                std::thread::sleep(Duration::from_millis(20));
                            }
                            Ok((status, answer)) => panic!("phone {i}: {status} {answer}"),
                        }
                    }
                    acked
                })
            })
            .collect();
        let killer = s.spawn(|| {
            let mut rng = fastrand::Rng::with_seed(7);
            for _ in 0..KILLS {
                std::thread::sleep(Duration::from_millis(rng.u64(50..250)));
                let mut srv = server.lock().unwrap();
                srv.restart();
                *url.lock().unwrap() = srv.url.clone();
            }
        });
        let acked = workers.into_iter().map(|w| w.join().unwrap()).collect();
        killer.join().unwrap();
        acked
    });

    // The kills landed while phones were pushing.
    assert!(failures.into_inner() > 0, "no push was cut off by a kill");
    let url = url.lock().unwrap().clone();
    for ((book, org), acked) in phones.iter().zip(acked) {
        let (seq, hash) = book.chain_head(*org).unwrap();
        assert_eq!(
            acked,
            Head { seq, hash },
            "every chunk was acknowledged in the end"
        );
        // The server's rows: one per seq, hashing into the chain it claims.
        let rows = sql(
            &db,
            &format!(
                "SELECT seq || ' ' || encode(hash, 'hex') || ' ' || convert_from(canonical, 'UTF8')
                   FROM events WHERE org_id = '{org}' ORDER BY seq"
            ),
        );
        assert_eq!(rows.len() as u64, seq, "nothing lost, nothing doubled");
        let mut prev = GENESIS;
        for (i, row) in rows.iter().enumerate() {
            let mut parts = row.splitn(3, ' ');
            let s: u64 = parts.next().unwrap().parse().unwrap();
            let h = parts.next().unwrap().to_string();
            let bytes = parts.next().unwrap().as_bytes();
            assert_eq!(s, i as u64 + 1);
            prev = chain_hash(&prev, s, bytes);
            assert_eq!(daftar_sync::hex(&prev), h, "seq {s} of {org}");
        }
        assert_eq!(prev, hash);
        let head = sql(
            &db,
            &format!("SELECT head_seq FROM chains WHERE org_id = '{org}'"),
        );
        assert_eq!(head, vec![seq.to_string()]);
        // And it restores into a book that verifies.
        let fresh =
            daftar_core::Book::open(dir.path().join(format!("restore-{org}.daftar"))).unwrap();
        pull_all(&url, &fresh, *org, book);
        assert_eq!(fresh.chain_head(*org).unwrap(), (seq, hash));
        assert!(fresh.verify(&mut |_, _| true).unwrap().is_intact());
    }
    // The server's own check, from PostgreSQL alone.
    let report = admin(&db, &["verify"]);
    assert!(
        report.ends_with(&format!("{PHONES} chains, 0 not intact")),
        "{report}"
    );
}
