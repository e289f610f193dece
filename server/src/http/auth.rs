//! Who is calling: a device, by a signature over the request with its
//! registered key, or a person, by their token. Checked in each handler, with
//! the body's bytes, since a device's signature covers them.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method, Uri};
use daftar_sync::api::{AUTH_HEADER, MAX_CLOCK_SKEW_SECONDS};
use daftar_sync::signing::request_message;
use daftar_sync::{PublicKey, Signature};

use super::State;
use crate::error::{Error, Result};
use crate::store::access::{self, User};

#[derive(Debug, Clone)]
pub enum Caller {
    Device { key: PublicKey, name: String },
    Person(User),
}

impl Caller {
    /// Who, for the log: a device's name and key, or a user's name.
    pub fn who(&self) -> String {
        match self {
            Caller::Device { key, name } => format!("device {name:?} {key}"),
            Caller::Person(u) => format!("user {:?}", u.name),
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Parses `key.seconds.signature` from the device header.
fn parse_device_header(value: &str) -> Result<(PublicKey, i64, Signature)> {
    let bad = || Error::Unauthenticated(format!("{AUTH_HEADER} is KEY.UNIX_SECONDS.SIGNATURE"));
    let mut parts = value.split('.');
    let (Some(k), Some(t), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let key = PublicKey::parse(k).map_err(|_| bad())?;
    let at: i64 = t.parse().map_err(|_| bad())?;
    let sig = Signature::parse(s).map_err(|_| bad())?;
    Ok((key, at, sig))
}

pub async fn authenticate(
    state: &State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Caller> {
    if let Some(v) = headers.get(AUTH_HEADER) {
        let v = v
            .to_str()
            .map_err(|_| Error::Unauthenticated(format!("{AUTH_HEADER} is not text")))?;
        let (key, at, sig) = parse_device_header(v)?;
        if (now() - at).abs() > MAX_CLOCK_SKEW_SECONDS {
            return Err(Error::Unauthenticated(format!(
                "the request's time is more than {MAX_CLOCK_SKEW_SECONDS} s from the server's: set the phone's clock"
            )));
        }
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        if !key.verifies(&request_message(method.as_str(), path, at, body), &sig) {
            return Err(Error::Unauthenticated(
                "the request's signature does not verify".into(),
            ));
        }
        // A registered device keeps its name for good, so it is looked up once.
        let known = state
            .devices
            .read()
            .ok()
            .and_then(|d| d.get(&key.0).cloned());
        let name = match known {
            Some(name) => name,
            None => {
                let client = state.pool.get().await?;
                let Some(name) = access::device_name(&**client, &key).await? else {
                    return Err(Error::Unauthenticated(format!(
                        "device key {key} is not registered: register it first"
                    )));
                };
                if let Ok(mut d) = state.devices.write() {
                    d.insert(key.0, name.clone());
                }
                name
            }
        };
        return Ok(Caller::Device { key, name });
    }
    if let Some(v) = headers.get(axum::http::header::AUTHORIZATION) {
        let token = v
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| Error::Unauthenticated("Authorization is `Bearer TOKEN`".into()))?;
        return match access::user_by_token(&state.pool, token.trim()).await? {
            Some(u) => Ok(Caller::Person(u)),
            None => Err(Error::Unauthenticated("unknown token".into())),
        };
    }
    Err(Error::Unauthenticated(format!(
        "sign the request ({AUTH_HEADER}) or give a user's token"
    )))
}
