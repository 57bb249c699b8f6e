//! The one route table, and the dispatcher that applies its access rule before any handler.
//!
//! Every route names who may call it ([`Access`]); the dispatcher enforces that, so a
//! handler for signed-in users is never reached without a live session, and nothing but the
//! unlock page, the health check and static files is reached while a sealed box is locked.

use std::time::Instant;

use rouille::{Request, Response};

use super::context::Ctx;
use super::{App, State, respond, ui};
use crate::error::AppError;
use crate::store::accounts::Role;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Always served, locked or not (health check, static files).
    Always,
    /// Only while a sealed box waits for its passphrase.
    Locked,
    /// Anyone, once the box is unlocked (setup, sign-in).
    Anonymous,
    /// A signed-in account.
    SignedIn,
    /// The administrator of a firm (others get a 404).
    FirmAdmin,
    /// The box operator (others get a 404).
    Operator,
}

pub type Handler = fn(&Ctx<'_>, &Request, &[&str]) -> Result<Response, AppError>;

pub struct Route {
    pub method: &'static str,
    /// `/literal/{param}/…`; a final `{*}` takes the rest of the path.
    pub pattern: &'static str,
    pub access: Access,
    pub handler: Handler,
}

const fn route(
    method: &'static str,
    pattern: &'static str,
    access: Access,
    handler: Handler,
) -> Route {
    Route {
        method,
        pattern,
        access,
        handler,
    }
}

pub const ROUTES: &[Route] = &[
    route("GET", "/healthz", Access::Always, ui::health_show::handle),
    route(
        "GET",
        "/static/{*}",
        Access::Always,
        ui::static_show::handle,
    ),
    route("GET", "/unlock", Access::Locked, ui::unlock_show::handle),
    route("POST", "/unlock", Access::Locked, ui::unlock_submit::handle),
    route(
        "GET",
        "/setup/{token}",
        Access::Anonymous,
        ui::setup_show::handle,
    ),
    route(
        "POST",
        "/setup/{token}",
        Access::Anonymous,
        ui::setup_submit::handle,
    ),
    route("GET", "/login", Access::Anonymous, ui::login_show::handle),
    route(
        "POST",
        "/login",
        Access::Anonymous,
        ui::login_submit::handle,
    ),
    route(
        "GET",
        "/lang/{code}",
        Access::Anonymous,
        ui::lang_set::handle,
    ),
    route(
        "POST",
        "/logout",
        Access::SignedIn,
        ui::logout_submit::handle,
    ),
    route("GET", "/", Access::SignedIn, ui::dashboard_show::handle),
    route(
        "GET",
        "/admin/mail",
        Access::FirmAdmin,
        ui::admin_mail_show::handle,
    ),
    route(
        "POST",
        "/admin/mail/test",
        Access::FirmAdmin,
        ui::admin_mail_test::handle,
    ),
    route(
        "POST",
        "/admin/mail/purge",
        Access::FirmAdmin,
        ui::admin_mail_purge::handle,
    ),
    route(
        "POST",
        "/admin/mail/{id}/retry",
        Access::FirmAdmin,
        ui::admin_mail_retry::handle,
    ),
];

/// The captured `{param}` segments if `path` matches `pattern`.
pub fn matches<'p>(pattern: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut params = Vec::new();
    let mut pat = pattern.split('/');
    let mut segs = path.split('/');
    loop {
        match (pat.next(), segs.next()) {
            (None, None) => return Some(params),
            (Some("{*}"), Some(first)) => {
                let rest_start =
                    path.len() - segs.clone().map(|s| s.len() + 1).sum::<usize>() - first.len();
                let rest = &path[rest_start..];
                if rest.is_empty() {
                    return None;
                }
                params.push(rest);
                return Some(params);
            }
            (Some(p), Some(s)) if p.starts_with('{') => {
                if s.is_empty() {
                    return None;
                }
                params.push(s);
            }
            (Some(p), Some(s)) if p == s => {}
            _ => return None,
        }
    }
}

fn wants_json(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Serves one request: route, access rule, handler, error page, security headers, log line.
pub fn dispatch(app: &App, req: &Request) -> Response {
    let started = Instant::now();
    let path = req.url();
    let found = ROUTES.iter().find_map(|r| {
        (r.method == req.method())
            .then(|| matches(r.pattern, &path))
            .flatten()
            .map(|p| (r, p))
    });
    let path_known = found.is_some() || ROUTES.iter().any(|r| matches(r.pattern, &path).is_some());
    let (label, result, secure, cookies) = match Ctx::new(app, req) {
        Err(e) => ("?", Err(e), req.is_secure(), Vec::new()),
        Ok(ctx) => {
            let (label, result) = match found {
                Some((r, params)) => (r.pattern, run(&ctx, r, req, &params)),
                None if path_known => ("(method)", Ok(Response::text("").with_status_code(405))),
                None => ("(none)", Err(AppError::NotFound)),
            };
            let result = result.or_else(|e| error_response(&ctx, &path, e));
            (label, result, ctx.secure, ctx.cookies.take())
        }
    };
    let resp = match result {
        Ok(r) => r,
        Err(e) => {
            log::error!("request failed before its context was built: {}", e.key());
            Response::text("").with_status_code(e.status())
        }
    };
    log::info!(
        "{} {} {} {}ms",
        req.method(),
        label,
        resp.status_code,
        started.elapsed().as_millis()
    );
    respond::finish(resp, secure, cookies)
}

fn run(ctx: &Ctx<'_>, r: &Route, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let locked = matches!(ctx.app.state(), State::Locked);
    match (r.access, locked) {
        (Access::Always, _) => {}
        (Access::Locked, false) => return Ok(respond::see_other("/")),
        (Access::Locked, true) => {}
        (_, true) => return Ok(respond::see_other("/unlock")),
        (Access::Anonymous, false) => {}
        (Access::SignedIn, false) => {
            if ctx.account.is_none() {
                return Err(AppError::SignInRequired);
            }
        }
        (Access::Operator, false) => match &ctx.account {
            None => return Err(AppError::SignInRequired),
            Some(a) if !a.operator => return Err(AppError::NotFound),
            Some(_) => {}
        },
        (Access::FirmAdmin, false) => match &ctx.account {
            None => return Err(AppError::SignInRequired),
            Some(a) if a.role != Role::FirmAdmin || a.firm.is_none() => {
                return Err(AppError::NotFound);
            }
            Some(_) => {}
        },
    }
    // A firm that requires a second factor lets its staff do nothing else until it is set up.
    if let (Some(core), Some(a)) = (&ctx.core, &ctx.account)
        && !r.pattern.starts_with("/account")
        && !matches!(r.pattern, "/logout" | "/static/{*}" | "/healthz")
        && crate::domain::account::totp_missing(core, a)?
    {
        return Ok(respond::see_other("/account/totp"));
    }
    (r.handler)(ctx, req, params)
}

/// Turns an error into the page (or JSON) the user sees; the detail only reaches the log.
fn error_response(ctx: &Ctx<'_>, path: &str, e: AppError) -> Result<Response, AppError> {
    if let AppError::Internal(detail) = &e {
        log::error!("internal error: {detail}");
    }
    if wants_json(path) {
        return Ok(respond::json(
            e.status(),
            &serde_json::json!({"error": e.code(), "message": ctx.tr(e.key())}),
        ));
    }
    if matches!(e, AppError::SignInRequired) {
        return Ok(respond::see_other("/login"));
    }
    let status = e.status();
    ui::error_page(ctx, e.key()).map(|r| r.with_status_code(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(matches("/", "/"), Some(vec![]));
        assert_eq!(matches("/setup/{token}", "/setup/abc"), Some(vec!["abc"]));
        assert_eq!(matches("/setup/{token}", "/setup/"), None);
        assert_eq!(matches("/setup/{token}", "/setup/a/b"), None);
        assert_eq!(
            matches("/static/{*}", "/static/css/app.css"),
            Some(vec!["css/app.css"])
        );
        assert_eq!(matches("/static/{*}", "/static/"), None);
        assert_eq!(matches("/healthz", "/healthz/"), None);
    }

    #[test]
    fn every_route_is_unique() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.pattern == b.pattern),
                    "duplicate route {} {}",
                    a.method,
                    a.pattern
                );
            }
        }
    }
}
