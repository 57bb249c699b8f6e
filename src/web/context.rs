//! What a handler knows about the request beyond its path: who, from where, in which
//! language, over which transport.

use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;

use super::App;
use crate::domain::{Core, accounts::sessions};
use crate::error::AppError;
use crate::store::accounts::Account;

pub const SESSION_COOKIE: &str = "hc_session";
pub const PRESESSION_COOKIE: &str = "hc_pre";
pub const LANG_COOKIE: &str = "hc_lang";

pub struct Ctx<'a> {
    pub app: &'a App,
    pub core: Option<Arc<Core>>,
    pub lang: &'static str,
    /// The browser reached us over TLS (directly, or through a trusted proxy).
    pub secure: bool,
    pub client_ip: Option<IpAddr>,
    pub account: Option<Account>,
    pub session_token: Option<String>,
    pub presession: RefCell<Option<String>>,
    /// `Set-Cookie` values to add to the response.
    pub cookies: RefCell<Vec<String>>,
    pub user_agent: String,
    /// Authenticated by an `Authorization: Bearer` token (API), not by a cookie.
    pub bearer: bool,
    /// The form of a UI change, read by the dispatcher to check its CSRF token
    /// ([`super::csrf::guard`]) and handed to the handler by [`Ctx::form`].
    pub form: RefCell<Option<super::form::Form>>,
}

fn cookie<'r>(req: &'r rouille::Request, name: &str) -> Option<&'r str> {
    rouille::input::cookies(req)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

impl<'a> Ctx<'a> {
    /// The form of this request, whose CSRF token the dispatcher already checked. A handler
    /// cannot read a form any other way, so no form is acted on unchecked.
    pub fn form(&self) -> Result<super::form::Form, AppError> {
        self.form_max(super::form::MAX_FORM_BYTES)
    }

    /// [`Ctx::form`] for the few forms that carry long text, up to `max` bytes.
    pub fn form_max(&self, max: u64) -> Result<super::form::Form, AppError> {
        let form = self
            .form
            .borrow_mut()
            .take()
            .ok_or(AppError::BadRequest("error_bad_form"))?;
        if form.len() as u64 > max {
            return Err(AppError::TooLarge);
        }
        Ok(form)
    }

    pub fn new(app: &'a App, req: &rouille::Request) -> Result<Ctx<'a>, AppError> {
        let (secure, client_ip) = transport(app, req);
        let lang = super::i18n::negotiate(cookie(req, LANG_COOKIE), req.header("Accept-Language"));
        let core = app.core();
        let bearer_token = req
            .header("Authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let bearer = bearer_token.is_some();
        let session_token = match &bearer_token {
            Some(t) if !t.starts_with(crate::domain::accounts::api_tokens::PREFIX) => {
                Some(t.clone())
            }
            Some(_) => None,
            None => cookie(req, &cookie_name(secure, SESSION_COOKIE)).map(str::to_owned),
        };
        let account = match (&core, &bearer_token, &session_token) {
            (Some(core), Some(t), None) => {
                crate::domain::accounts::api_tokens::account_for(core, t)?
            }
            (Some(core), _, Some(token)) => sessions::session_account(core, token)?,
            _ => None,
        };
        // A signed-in person reads his account's language, whatever this browser's cookie
        // says (another person's choice on a shared computer, or a cookie from before): the
        // account is where `/lang/…` and the preferences keep it, and what his mails use.
        let lang = account
            .as_ref()
            .and_then(|a| super::i18n::LANGS.iter().find(|l| **l == a.lang).copied())
            .unwrap_or(lang);
        let presession = cookie(req, &cookie_name(secure, PRESESSION_COOKIE))
            .filter(|v| v.len() == 43)
            .map(str::to_owned);
        Ok(Ctx {
            app,
            core,
            lang,
            secure,
            client_ip,
            session_token: if account.is_some() {
                session_token
            } else {
                None
            },
            account,
            presession: RefCell::new(presession),
            cookies: RefCell::new(Vec::new()),
            user_agent: req
                .header("User-Agent")
                .unwrap_or("")
                .chars()
                .take(300)
                .collect(),
            bearer,
            form: RefCell::new(None),
        })
    }

    /// The unlocked core; a locked box never reaches a handler that calls this.
    pub fn core(&self) -> Result<&Arc<Core>, AppError> {
        self.core
            .as_ref()
            .ok_or_else(|| AppError::Internal("core used while locked".into()))
    }

    pub fn user(&self) -> Result<&Account, AppError> {
        self.account.as_ref().ok_or(AppError::SignInRequired)
    }

    pub fn tr(&self, key: &'static str) -> &str {
        self.app.i18n.text(self.lang, key)
    }

    /// Adds a cookie: `HttpOnly`, `SameSite=Lax`, and under TLS `Secure` with the `__Host-`
    /// prefix (bound to this host, path `/`). `max_age` of 0 deletes it.
    pub fn set_cookie(&self, base: &str, value: &str, max_age: Option<i64>) {
        let mut c = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax",
            cookie_name(self.secure, base)
        );
        if self.secure {
            c.push_str("; Secure");
        }
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        self.cookies.borrow_mut().push(c);
    }
}

pub fn cookie_name(secure: bool, base: &str) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Whether the client used TLS, and its address. Forwarded headers are believed only from
/// a configured proxy, and only when the config says a proxy terminates TLS.
fn transport(app: &App, req: &rouille::Request) -> (bool, Option<IpAddr>) {
    let peer = req.remote_addr().ip();
    let tls = &app.config.tls;
    if tls.behind_proxy && tls.trusted_proxies.contains(&peer) {
        let proto_https = req
            .header("X-Forwarded-Proto")
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        // The last address that is not one of our proxies is the client.
        let client = req
            .header("X-Forwarded-For")
            .and_then(|h| {
                h.rsplit(',')
                    .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                    .find(|ip| !tls.trusted_proxies.contains(ip))
            })
            .unwrap_or(peer);
        return (proto_https || req.is_secure(), Some(client));
    }
    (req.is_secure(), Some(peer))
}
