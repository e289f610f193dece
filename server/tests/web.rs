//! The federation's pages over HTTP, as an attacker would try them: sessions
//! that are forged, stolen after sign-out or used across sites, forms without
//! their CSRF token, bad dates, unknown nodes, and the headers that keep a
//! shared office computer from keeping members' figures. What a person sees
//! in a real browser, and the figures, are `tests/web/` (headless Chromium).

mod support;

use support::*;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// A fresh database with one VO, VO-1, and a server placing new groups under it.
fn vo_server() -> (String, tempfile::TempDir, Server) {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    admin(
        &db,
        &[
            "node", "add", "--kind", "vo", "--name", "VO", "--code", "VO-1",
        ],
    );
    let server = Server::start(&db, dir.path(), &["--new-orgs-under", "VO-1"]);
    (db, dir, server)
}

#[test]
fn sessions_forms_and_headers_hold_against_forgery_and_reuse() {
    let (db, dir, server) = vo_server();
    let (book, org) = phone(dir.path(), "phone-a", 5, 12);
    claim(&book, org);
    register(&server.url, &book);
    push_all(&server.url, &book, org);
    let token = admin(&db, &["user", "--name", "vo-staff", "--node", "VO-1"]);
    let url = &server.url;

    // No session, or a forged one: to the sign-in page, and back after it.
    for cookies in ["", "daftar_session=00ff", "daftar_session=; x=y"] {
        let (status, _) = web_page(url, "/web/nodes/VO-1", cookies);
        assert_eq!(status, 303, "{cookies:?}");
    }
    let cookies = web_sign_in(url, &token);
    let (status, page) = web_page(url, "/web/nodes/VO-1?lang=fa", &cookies);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("dir=\"rtl\""));

    // The page's headers: no cache, no script, no framing.
    let answer = agent()
        .get(&format!("{url}/web/nodes/VO-1"))
        .header("cookie", &cookies)
        .call()
        .unwrap();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(header("cache-control"), "no-store");
    assert!(header("content-security-policy").contains("default-src 'none'"));
    assert!(!header("content-security-policy").contains("script-src"));
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");

    // The session cookie is HttpOnly, Secure and SameSite=Strict.
    let form = agent().get(&format!("{url}/web/signin")).call().unwrap();
    let set: Vec<String> = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(String::from))
        .collect();
    assert!(
        set.iter().any(|c| c.starts_with("daftar_signin=")
            && c.contains("HttpOnly")
            && c.contains("Secure")
            && c.contains("SameSite=Strict")),
        "{set:?}"
    );

    // A bad date is refused in the reader's language; an unknown node is 404.
    let (status, page) = web_page(url, "/web/nodes/VO-1?as_of=2025-02-30&lang=fa", &cookies);
    assert_eq!(status, 400);
    assert!(page.contains("این درخواست معتبر نیست"), "{page}");
    let (status, _) = web_page(url, "/web/nodes/NO-SUCH-NODE", &cookies);
    assert_eq!(status, 404);
    let (status, _) = web_page(url, "/web/orgs/not-a-uuid", &cookies);
    assert_eq!(status, 404);

    // Sign-out needs the session's CSRF token; with it, the old cookie is dead.
    let signout = |csrf: &str| {
        agent()
            .post(&format!("{url}/web/signout"))
            .header("cookie", &cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(format!("csrf={csrf}"))
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(signout(&"0".repeat(64)), 400);
    let (status, _) = web_page(url, "/web/nodes/VO-1", &cookies);
    assert_eq!(status, 200, "a refused sign-out ended the session");
    let csrf = page_csrf(url, &cookies);
    assert_eq!(signout(&csrf), 303);
    let (status, _) = web_page(url, "/web/nodes/VO-1", &cookies);
    assert_eq!(status, 303, "the cookie still works after signing out");
    assert_eq!(sql(&db, "SELECT count(*) FROM web_sessions"), ["0"]);
    // Only the session's SHA-256 was ever kept, never the id itself.
    let id = cookies.trim_start_matches("daftar_session=");
    let cookies2 = web_sign_in(url, &token);
    let id2 = cookies2.trim_start_matches("daftar_session=");
    let kept = sql(&db, "SELECT encode(id_sha256, 'hex') FROM web_sessions");
    assert_eq!(kept.len(), 1);
    assert_ne!(kept[0], id2);
    assert_ne!(id, id2, "a new sign-in is a new session");
}

/// The CSRF token in the sign-out form of the node page.
fn page_csrf(url: &str, cookies: &str) -> String {
    let (_, page) = web_page(url, "/web/nodes/VO-1", cookies);
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string()
}

#[test]
fn the_servers_log_holds_no_members_names_or_phone_numbers() {
    let (db, dir, server) = vo_server();
    let (book, org) = phone(dir.path(), "phone-a", 6, 8);
    let (name, phone_no) = ("Zubaida Qureshi", "9812345670");
    let day = book.last_business_date(org).unwrap();
    book.add_member(
        &meta(&book),
        org,
        daftar_core::NewMember {
            member_no: None,
            name: name.into(),
            role: daftar_core::MemberRole::Member,
            phone: Some(phone_no.into()),
            joined_on: day,
        },
    )
    .unwrap();
    claim(&book, org);
    register(&server.url, &book);
    push_all(&server.url, &book, org);
    let token = admin(&db, &["user", "--name", "vo-staff", "--node", "VO-1"]);
    let cookies = web_sign_in(&server.url, &token);
    let (status, page) = web_page(&server.url, &format!("/web/orgs/{org}"), &cookies);
    assert_eq!(status, 200);
    assert!(page.contains(name), "the group's page lists its members");

    // A chunk that quotes a member where a number belongs: the refusal's
    // reason names her, as the phone needs to be told; the log must not.
    let forged = format!(
        r#"{{"format":"daftar.chunk","version":1,"org":"{org}","base":{{"seq":"{name} {phone_no}","hash":""}},"events":[]}}"#
    );
    let path = format!("/v1/orgs/{org}/chunks");
    let (status, answer) = call(
        &server.url,
        "POST",
        &path,
        forged.as_bytes(),
        As::Device(&book),
    );
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains(name), "{answer}");

    let log = server.log();
    assert!(
        log.contains("refused") && log.contains("malformed"),
        "{log}"
    );
    assert!(log.contains("signed in"), "{log}");
    for secret in [name, "Zubaida", "Qureshi", phone_no] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}

#[test]
fn plain_http_is_served_on_loopback_only_unless_a_tls_proxy_is_said_to_be_in_front() {
    let db = fresh_database();
    let dir = tempfile::tempdir().unwrap();
    let refused = std::process::Command::new(SERVER)
        .args(["--database", &db, "serve", "--listen", "0.0.0.0:0"])
        .arg("--key")
        .arg(dir.path().join("server.key"))
        .arg("--books")
        .arg(dir.path().join("books"))
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("TLS proxy") && said.contains("0.0.0.0"),
        "{said}"
    );
    assert!(
        !dir.path().join("server.key").exists(),
        "nothing made before refusing"
    );

    // Said to be behind a proxy, it listens on every address.
    let mut child = std::process::Command::new(SERVER)
        .args(["--database", &db, "serve", "--listen", "0.0.0.0:0"])
        .arg("--key")
        .arg(dir.path().join("server.key"))
        .arg("--books")
        .arg(dir.path().join("books"))
        .arg("--behind-tls-proxy")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        line.starts_with("daftar-server listening on http://0.0.0.0:"),
        "{line}"
    );
}
