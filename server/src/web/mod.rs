//! The federation's pages: HTML rendered on the server (maud), with no
//! JavaScript, for VO, CLF and block staff on an office computer or a phone's
//! browser. Every page is read-only, behind a signed-in session, and shows
//! only the signed-in person's subtree. Figures come from the server's
//! rollups (`rollup`) and from the core's own reports on the server's replica
//! of each book (`consolidate`), never from replaying events here.
//!
//! - `session.rs`: sessions, cookies and CSRF; `signin.rs`: signing in and out;
//! - `text.rs`: the pages' own words in en, hi and fa (the books' words are the
//!   core's `catalogue`);
//! - `node.rs`: a node of the hierarchy with its groups, filters and plots;
//! - `org.rs`: one group's books;
//! - `cif.rs`: a VO's CIF reconciliation;
//! - `plot.rs`: inline SVG plots.

mod cif;
mod node;
mod org;
mod plot;
mod session;
mod signin;
mod text;

use std::sync::Arc;

use axum::extract::State as Shared;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use daftar_core::catalogue::{term, Term};
use daftar_core::locale::{parse_date, LocalFormat};
use daftar_core::org::Locale;
use maud::{html, Markup, DOCTYPE};
use rust_decimal::Decimal;

use crate::error::Error;
use crate::http::State;
use crate::store::access::User;
use crate::store::hierarchy::{self, Node};
use session::Session;
pub use text::{text, Text};

type St = Shared<Arc<State>>;

pub(crate) const LANG_COOKIE: &str = "daftar_lang";
const STYLE: &str = include_str!("style.css");

pub fn router() -> Router<Arc<State>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/web/") }))
        .route("/web/", get(home))
        .route("/web/style.css", get(style))
        .route("/web/signin", get(signin::form).post(signin::sign_in))
        .route("/web/signout", post(signin::sign_out))
        .route("/web/nodes/{node}", get(node::page))
        .route("/web/nodes/{node}/cif", get(cif::page))
        .route("/web/orgs/{org}", get(org::page))
}

/// What every page knows: the reader's language and formats, who is signed
/// in, and the request's path and query (for the language links).
pub struct Reader {
    pub locale: Locale,
    pub fmt: LocalFormat,
    pub session: Session,
    pub uri: Uri,
}

impl Reader {
    pub fn t(&self, t: Text) -> &'static str {
        text(t, self.locale)
    }
    pub fn term(&self, t: Term) -> &'static str {
        term(t, self.locale)
    }
    pub fn amount(&self, a: Decimal) -> String {
        self.fmt.amount(a)
    }
    pub fn count(&self, n: i64) -> String {
        self.fmt.amount(Decimal::from(n))
    }
    /// A share (0.1234) as a percentage to two places, in the locale's digits.
    pub fn percent(&self, share: Decimal) -> String {
        let sign = if self.locale == Locale::FaIr {
            "٪"
        } else {
            "%"
        };
        format!(
            "{}{sign}",
            self.fmt.amount((share * Decimal::from(100)).round_dp(2))
        )
    }
    pub fn date(&self, d: NaiveDate) -> String {
        self.fmt.date(d).unwrap_or_else(|_| d.to_string())
    }
    /// This page's link with `key` set to `value` (or removed when `None`).
    pub fn link_with(&self, key: &str, value: Option<&str>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(self.uri.query().unwrap_or("").as_bytes()) {
            if k != key {
                q.append_pair(&k, &v);
            }
        }
        if let Some(v) = value {
            q.append_pair(key, v);
        }
        let q = q.finish();
        if q.is_empty() {
            self.uri.path().to_string()
        } else {
            format!("{}?{q}", self.uri.path())
        }
    }
    /// The `as_of` and `lang` of this page, for links to other pages.
    pub fn carry(&self, as_of: NaiveDate) -> String {
        format!("as_of={as_of}&lang={}", lang_code(self.locale))
    }
}

pub fn lang_code(l: Locale) -> &'static str {
    match l {
        Locale::EnIn => "en",
        Locale::HiIn => "hi",
        Locale::FaIr => "fa",
    }
}

pub(crate) fn lang_from(code: &str) -> Option<Locale> {
    match code.get(..2)? {
        "en" => Some(Locale::EnIn),
        "hi" => Some(Locale::HiIn),
        "fa" => Some(Locale::FaIr),
        _ => None,
    }
}

/// The reader's language: `?lang=`, else the cookie it left, else the
/// browser's first language daftar has, else English.
pub(crate) fn language(uri: &Uri, headers: &HeaderMap) -> Locale {
    let asked = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| lang_from(&v));
    asked
        .or_else(|| session::cookie(headers, LANG_COOKIE).and_then(lang_from))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').find_map(|l| lang_from(l.trim())))
        })
        .unwrap_or(Locale::EnIn)
}

/// Why a page is not shown, in the reader's language.
pub enum PageError {
    SignIn,
    Forbidden,
    NotFound,
    Bad(String),
    Failed(String),
}

impl From<Error> for PageError {
    fn from(e: Error) -> PageError {
        match e {
            Error::Forbidden(_) => PageError::Forbidden,
            Error::NotFound(_) => PageError::NotFound,
            Error::BadRequest(m) => PageError::Bad(m),
            Error::Core(c) if c.code() == daftar_core::ErrorCode::InvalidInput => {
                PageError::Bad(c.to_string())
            }
            // Only its log-safe form: the message is logged, never shown.
            other => PageError::Failed(other.for_log()),
        }
    }
}

impl From<daftar_core::Error> for PageError {
    fn from(e: daftar_core::Error) -> PageError {
        PageError::from(Error::Core(e))
    }
}

impl From<deadpool_postgres::PoolError> for PageError {
    fn from(e: deadpool_postgres::PoolError) -> PageError {
        PageError::from(Error::Pool(e))
    }
}

impl From<tokio_postgres::Error> for PageError {
    fn from(e: tokio_postgres::Error) -> PageError {
        PageError::from(Error::Database(e))
    }
}

pub type PageResult = std::result::Result<Response, PageError>;

/// Who asks for a page, in which language. The formats come after the
/// awaits (`reader`): ICU4X's formatters stay on one thread.
pub struct Visitor {
    pub locale: Locale,
    pub session: Session,
    pub uri: Uri,
}

impl Visitor {
    /// The reader this visitor becomes once the page's figures are in hand.
    pub fn reader(self) -> Result<Reader, PageError> {
        Ok(Reader {
            locale: self.locale,
            fmt: LocalFormat::new(self.locale).map_err(Error::Core)?,
            session: self.session,
            uri: self.uri,
        })
    }
}

/// The signed-in visitor of this request, or the sign-in page.
pub async fn visitor(state: &State, uri: &Uri, headers: &HeaderMap) -> Result<Visitor, PageError> {
    let locale = language(uri, headers);
    let Some(session) = session::current(&state.pool, headers).await? else {
        return Err(PageError::SignIn);
    };
    Ok(Visitor {
        locale,
        session,
        uri: uri.clone(),
    })
}

/// Whether `user` may see `node` (or the organisation with that id).
pub async fn may_see(state: &State, user: &User, id: uuid::Uuid) -> Result<(), PageError> {
    if user.admin {
        return Ok(());
    }
    let client = state.pool.get().await?;
    match user.node {
        Some(mine) if hierarchy::within(&**client, mine, id).await? => Ok(()),
        _ => Err(PageError::Forbidden),
    }
}

/// A node by its id or code, if `user` may see it.
pub async fn visible_node(state: &State, user: &User, key: &str) -> Result<Node, PageError> {
    let node = {
        let client = state.pool.get().await?;
        hierarchy::find(&**client, key).await?
    };
    may_see(state, user, node.id).await?;
    Ok(node)
}

/// A page's query, or a clear refusal of it.
pub fn query<T: serde::de::DeserializeOwned>(uri: &Uri) -> Result<T, PageError> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| PageError::Bad(e.body_text()))
}

/// The day asked for, if one was typed (see [`as_of`]).
pub fn asked_day(locale: Locale, typed: Option<&str>) -> Result<Option<NaiveDate>, PageError> {
    match typed.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => as_of(locale, Some(s), NaiveDate::MIN).map(Some),
        None => Ok(None),
    }
}

/// The date a page is as of: `as_of` typed as ISO or in the reader's own
/// calendar and digits (a Persian date for fa), or `default`.
pub fn as_of(
    locale: Locale,
    typed: Option<&str>,
    default: NaiveDate,
) -> Result<NaiveDate, PageError> {
    match typed.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => {
            let calendar = daftar_core::locale::calendar_of(locale);
            let day = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .or_else(|_| parse_date("as_of", s, calendar))
                .map_err(|_| PageError::Bad(format!("as_of {s:?} is not a date")))?;
            crate::rollup::as_of_day(Some(&day.to_string()), None).map_err(PageError::from)
        }
    }
}

/// Headers every page carries: no caching of members' figures, no framing,
/// no scripts, styles only from this server.
fn secure(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (k, v) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    resp
}

pub(crate) fn html_response(status: StatusCode, page: Markup) -> Response {
    secure(
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page.into_string(),
        )
            .into_response(),
    )
}

/// The frame of every page: language links, who is signed in, sign-out.
pub fn shell(r: &Reader, title: &str, body: Markup) -> Response {
    let dir = if r.locale == Locale::FaIr {
        "rtl"
    } else {
        "ltr"
    };
    let page = html! {
        (DOCTYPE)
        html lang=(lang_code(r.locale)) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (r.t(Text::Title)) }
                link rel="stylesheet" href="/web/style.css";
            }
            body {
                header {
                    a href={ "/web/?lang=" (lang_code(r.locale)) } { (r.t(Text::Home)) }
                    nav.langs {
                        @for (l, name) in [(Locale::EnIn, "English"), (Locale::HiIn, "हिन्दी"), (Locale::FaIr, "فارسی")] {
                            @if l == r.locale {
                                strong { (name) }
                            } @else {
                                a href=(r.link_with("lang", Some(lang_code(l)))) { (name) }
                            }
                        }
                    }
                    form.signout method="post" action="/web/signout" {
                        span { (r.t(Text::SignedInAs)) " " (r.session.user.name) }
                        input type="hidden" name="csrf" value=(r.session.csrf);
                        button type="submit" { (r.t(Text::SignOut)) }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    };
    let mut resp = html_response(StatusCode::OK, page);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang_code(r.locale)
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// A page that could not be shown, in the reader's language.
pub fn failure(e: PageError, uri: &Uri, headers: &HeaderMap) -> Response {
    let locale = language(uri, headers);
    let (status, message, detail) = match e {
        PageError::SignIn => {
            let back = percent_encoding::utf8_percent_encode(
                &uri.to_string(),
                percent_encoding::NON_ALPHANUMERIC,
            )
            .to_string();
            return Redirect::to(&format!("/web/signin?next={back}")).into_response();
        }
        PageError::Forbidden => (StatusCode::FORBIDDEN, text(Text::Forbidden, locale), None),
        PageError::NotFound => (StatusCode::NOT_FOUND, text(Text::NotFound, locale), None),
        PageError::Bad(m) => (
            StatusCode::BAD_REQUEST,
            text(Text::BadRequest, locale),
            Some(m),
        ),
        PageError::Failed(m) => {
            tracing::error!(error = %m, path = %uri.path(), "a page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                text(Text::Failed, locale),
                None,
            )
        }
    };
    let dir = if locale == Locale::FaIr { "rtl" } else { "ltr" };
    html_response(
        status,
        html! {
            (DOCTYPE)
            html lang=(lang_code(locale)) dir=(dir) {
                head { meta charset="utf-8"; title { (text(Text::Title, locale)) }
                       link rel="stylesheet" href="/web/style.css"; }
                body { main.error {
                    p { (message) }
                    @if let Some(d) = detail { p { code { (d) } } }
                    p { a href="/web/" { (text(Text::Home, locale)) } }
                } }
            }
        },
    )
}

async fn style() -> Response {
    let mut resp = ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    resp
}

/// The signed-in person's own node, or (for an administrator) the top of the hierarchy.
async fn home(Shared(state): St, uri: Uri, headers: HeaderMap) -> Response {
    let result = async {
        let v = visitor(&state, &uri, &headers).await?;
        let lang = lang_code(v.locale);
        if let Some(node) = v.session.user.node {
            return Ok(Redirect::to(&format!("/web/nodes/{node}?lang={lang}")).into_response());
        }
        let client = state.pool.get().await?;
        let tops = client
            .query(
                "SELECT org_id, name, kind FROM orgs WHERE parent_id IS NULL AND NOT has_book
                  ORDER BY name",
                &[],
            )
            .await?;
        let r = v.reader()?;
        let body = html! {
            ul.nodes {
                @for t in &tops {
                    li { a href={ "/web/nodes/" (t.get::<_, uuid::Uuid>(0)) "?lang=" (lang) } {
                        (t.get::<_, &str>(1)) } " (" (text::kind(t.get::<_, &str>(2), r.locale)) ")" }
                }
            }
            @if tops.is_empty() { p { (r.t(Text::NoGroups)) } }
        };
        Ok::<_, PageError>(shell(&r, r.t(Text::Title), body))
    }
    .await;
    result.unwrap_or_else(|e| failure(e, &uri, &headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_the_query_then_the_cookie_then_the_browser_then_english() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        let mut h = HeaderMap::new();
        assert_eq!(language(&uri("/web/"), &h), Locale::EnIn);
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, fa-IR;q=0.8"),
        );
        assert_eq!(language(&uri("/web/"), &h), Locale::FaIr);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; daftar_lang=hi"),
        );
        assert_eq!(language(&uri("/web/"), &h), Locale::HiIn);
        assert_eq!(language(&uri("/web/?lang=en"), &h), Locale::EnIn);
        assert_eq!(language(&uri("/web/?lang=xx"), &h), Locale::HiIn);
    }

    #[test]
    fn a_date_is_read_in_iso_or_in_the_readers_calendar_and_digits() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 20).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(as_of(Locale::EnIn, None, today).ok(), Some(today));
        assert_eq!(as_of(Locale::EnIn, Some("2025-02-20"), today).ok(), Some(d));
        assert_eq!(as_of(Locale::EnIn, Some("20/02/2025"), today).ok(), Some(d));
        assert_eq!(as_of(Locale::HiIn, Some("२०/०२/२०२५"), today).ok(), Some(d));
        assert_eq!(as_of(Locale::FaIr, Some("۱۴۰۳/۱۲/۰۲"), today).ok(), Some(d));
        for bad in ["2025-02-30", "9999-04-01", "yesterday", "20/02/25"] {
            assert!(
                matches!(
                    as_of(Locale::EnIn, Some(bad), today),
                    Err(PageError::Bad(_))
                ),
                "{bad}"
            );
        }
    }
}
