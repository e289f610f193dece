//! Signing in and out of the federation's pages: the sign-in form with its
//! double-submitted CSRF token, a session started for a known token, and
//! sign-out with the session's own token. Only a path on this site is
//! returned to after signing in.

use axum::extract::{Form, State as Shared};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use daftar_core::org::Locale;
use maud::{html, DOCTYPE};
use serde::Deserialize;

use super::{
    failure, html_response, lang_code, lang_from, language, session, text, PageError, St, Text,
    LANG_COOKIE,
};
use crate::store::access;

#[derive(Deserialize, Default)]
pub(super) struct SigninQuery {
    next: Option<String>,
    wrong: Option<String>,
}

/// Only a path on this server may be returned to after signing in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/web/") && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/web/",
    }
}

pub(super) async fn form(uri: Uri, headers: HeaderMap) -> Response {
    let q: SigninQuery = super::query(&uri).unwrap_or_default();
    let locale = language(&uri, &headers);
    let Ok(csrf) = session::random_token() else {
        return failure(PageError::Failed("no randomness".into()), &uri, &headers);
    };
    let dir = if locale == Locale::FaIr { "rtl" } else { "ltr" };
    let page = html! {
        (DOCTYPE)
        html lang=(lang_code(locale)) dir=(dir) {
            head { meta charset="utf-8";
                   meta name="viewport" content="width=device-width, initial-scale=1";
                   title { (text(Text::SignIn, locale)) " · " (text(Text::Title, locale)) }
                   link rel="stylesheet" href="/web/style.css"; }
            body { main.signin {
                h1 { (text(Text::Title, locale)) }
                @if q.wrong.is_some() { p.wrong { (text(Text::WrongToken, locale)) } }
                form method="post" action="/web/signin" {
                    label for="token" { (text(Text::Token, locale)) }
                    input #token type="password" name="token" autocomplete="off" required;
                    p.help { (text(Text::TokenHelp, locale)) }
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(safe_next(q.next.as_deref()));
                    input type="hidden" name="lang" value=(lang_code(locale));
                    button type="submit" { (text(Text::SignIn, locale)) }
                }
            } }
        }
    };
    let mut resp = html_response(StatusCode::OK, page);
    if let Ok(v) = HeaderValue::from_str(&session::set_cookie(session::SIGNIN_COOKIE, &csrf, 600)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Deserialize)]
pub(super) struct SigninForm {
    token: String,
    csrf: String,
    next: Option<String>,
    lang: Option<String>,
}

pub(super) async fn sign_in(
    Shared(state): St,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<SigninForm>,
) -> Response {
    // The form must come from our own sign-in page: its cookie and field agree.
    let expected = session::cookie(&headers, session::SIGNIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !session::same_secret(expected, &f.csrf) {
        return failure(
            PageError::Bad("the sign-in form has expired: open it again".into()),
            &uri,
            &headers,
        );
    }
    let lang = f
        .lang
        .as_deref()
        .and_then(lang_from)
        .unwrap_or(Locale::EnIn);
    let next = safe_next(f.next.as_deref()).to_string();
    let user = match access::user_by_token(&state.pool, f.token.trim()).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            access::log_refusal(
                &state.pool,
                None,
                "a web visitor",
                "sign in",
                "unauthenticated",
                "unknown token",
            )
            .await;
            let back =
                percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC);
            return Redirect::to(&format!(
                "/web/signin?wrong=1&lang={}&next={back}",
                lang_code(lang)
            ))
            .into_response();
        }
        Err(e) => return failure(PageError::from(e), &uri, &headers),
    };
    let id = match session::start(&state.pool, &user).await {
        Ok(id) => id,
        Err(e) => return failure(PageError::from(e), &uri, &headers),
    };
    tracing::info!(user = %user.name, "signed in on the web");
    let mut resp = Redirect::to(&next).into_response();
    for c in [
        session::set_cookie(session::SESSION_COOKIE, &id, session::SESSION_SECONDS),
        session::set_cookie(session::SIGNIN_COOKIE, "", 0),
        format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang_code(lang)
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[derive(Deserialize)]
pub(super) struct SignoutForm {
    csrf: String,
}

pub(super) async fn sign_out(
    Shared(state): St,
    uri: Uri,
    headers: HeaderMap,
    Form(f): Form<SignoutForm>,
) -> Response {
    let result = async {
        let Some(s) = session::current(&state.pool, &headers).await? else {
            return Ok(Redirect::to("/web/signin").into_response());
        };
        if !session::same_secret(&s.csrf, &f.csrf) {
            return Err(PageError::Bad(
                "the form did not come from this site".into(),
            ));
        }
        session::end(&state.pool, &s).await?;
        let mut resp = Redirect::to("/web/signin").into_response();
        if let Ok(v) = HeaderValue::from_str(&session::set_cookie(session::SESSION_COOKIE, "", 0)) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(resp)
    }
    .await;
    result.unwrap_or_else(|e| failure(e, &uri, &headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_page_of_this_site_is_returned_to_after_signing_in() {
        assert_eq!(
            safe_next(Some("/web/nodes/VO-1?lang=hi")),
            "/web/nodes/VO-1?lang=hi"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/web/",
            "/web/\\evil",
            "/v1/nodes/x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/web/", "{bad}");
        }
        assert_eq!(safe_next(None), "/web/");
    }
}
