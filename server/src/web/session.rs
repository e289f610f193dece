//! Signed-in people: a session is a random id in a cookie (`HttpOnly`,
//! `Secure`, `SameSite=Strict`), kept on the server only as its SHA-256, with
//! the person it belongs to, a CSRF token for its forms, and an expiry. The
//! sign-in form itself is protected by a double-submitted token: a cookie and
//! a hidden field that must be equal.

use axum::http::HeaderMap;
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::access::User;

pub const SESSION_COOKIE: &str = "daftar_session";
pub const SIGNIN_COOKIE: &str = "daftar_signin";
/// How long a session lasts: a working day.
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;

pub struct Session {
    pub user: User,
    pub csrf: String,
    id_sha256: Vec<u8>,
}

/// 32 random bytes as hex: a session id or a CSRF token.
pub fn random_token() -> Result<String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(daftar_sync::hex(&secret))
}

fn hash(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

/// The value of cookie `name` in the request, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value that only this site's own requests send back.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict")
}

/// The session the request's cookie names, if it is known and not expired.
pub async fn current(pool: &Pool, headers: &HeaderMap) -> Result<Option<Session>> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_sha256 = hash(id);
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT u.name, u.role, u.node_id, s.csrf FROM web_sessions s
               JOIN users u ON u.name = s.user_name
              WHERE s.id_sha256 = $1 AND s.expires_at > now()",
            &[&id_sha256],
        )
        .await?;
    Ok(row.map(|r| Session {
        user: User {
            name: r.get(0),
            admin: r.get::<_, &str>(1) == "admin",
            node: r.get(2),
        },
        csrf: r.get(3),
        id_sha256,
    }))
}

/// Starts a session for `user`; returns the id for its cookie.
pub async fn start(pool: &Pool, user: &User) -> Result<String> {
    let id = random_token()?;
    let csrf = random_token()?;
    let client = pool.get().await?;
    // Expired sessions go when anyone signs in: the table stays small.
    client
        .execute("DELETE FROM web_sessions WHERE expires_at <= now()", &[])
        .await?;
    client
        .execute(
            "INSERT INTO web_sessions (id_sha256, user_name, csrf, expires_at)
             VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
            &[&hash(&id), &user.name, &csrf, &(SESSION_SECONDS as f64)],
        )
        .await?;
    Ok(id)
}

/// Ends `session`: its cookie no longer signs anyone in.
pub async fn end(pool: &Pool, session: &Session) -> Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "DELETE FROM web_sessions WHERE id_sha256 = $1",
            &[&session.id_sha256],
        )
        .await?;
    Ok(())
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_cookie_is_found_by_its_exact_name_among_several_headers() {
        let mut h = HeaderMap::new();
        h.append(
            axum::http::header::COOKIE,
            HeaderValue::from_static("x_daftar_session=no; a=1"),
        );
        h.append(
            axum::http::header::COOKIE,
            HeaderValue::from_static("daftar_session=abc"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn a_session_cookie_is_http_only_secure_and_same_site_strict() {
        let c = set_cookie(SESSION_COOKIE, "v", 60);
        for part in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(c.contains(part), "{c}");
        }
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }
}
