//! The dispatcher: finds the route of a request in [`super::routes::ROUTES`] and applies
//! its CSRF check and access rule before any handler, so no change is made through the UI
//! without its token, a handler for signed-in users is never reached
//! without a live session, nothing but the unlock page, the health check and static files is
//! reached while a sealed box is locked, and no change reaches an archived space. Then the
//! error page, the security headers and the log line.

use std::time::Instant;

use rouille::{Request, Response};

use super::context::Ctx;
use super::routes::{Access, ROUTES, Route, matches};
use super::{App, State, api, respond, ui};
use crate::error::AppError;
use crate::store::accounts::Role;

fn wants_json(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Serves one request: route, access rule, handler, error page, security headers, log line.
pub fn dispatch(app: &App, req: &Request) -> Response {
    let started = Instant::now();
    // Held while the handler runs (a body is written after): see `cpu_gate`.
    let _place = matches!(req.method(), "GET" | "HEAD").then(|| app.gate.enter());
    let path = req.url();
    let method = api::documents::upload_tus::method(req, &path);
    let found = find(method, &path);
    let path_known = found.is_some() || ROUTES.iter().any(|r| matches(r.pattern, &path).is_some());
    let (label, result, secure, cookies) = match Ctx::new(app, req) {
        Err(e) => ("?", Err(e), req.is_secure(), Vec::new()),
        Ok(ctx) => {
            // Held while the handler runs: see `client_slots`.
            let slot = ctx.client_ip.map(|ip| app.client_slots.enter(ip));
            let (label, result) = match found {
                _ if matches!(slot, Some(None)) => ("(busy)", Err(AppError::Busy)),
                Some((r, params)) => (r.pattern, run(&ctx, r, req, &params)),
                None if path_known => ("(method)", Ok(super::http_methods::not_allowed(&path))),
                None => ("(none)", Err(AppError::NotFound)),
            };
            drop(slot);
            let result = result
                .map_err(|e| super::body_fault::blame(req, e))
                .or_else(|e| error_response(&ctx, &path, e));
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
    let resp = if api::documents::upload_tus::is_tus_path(&path) {
        resp.with_unique_header("Tus-Resumable", api::documents::upload_tus::VERSION)
    } else {
        resp
    };
    log::info!(
        "{} {} {} {}ms",
        method,
        label,
        resp.status_code,
        started.elapsed().as_millis()
    );
    respond::finish(resp, secure, cookies)
}

/// The route that serves `method` on `path`. A `HEAD` is served by the path's `GET` route
/// unless it has its own (the server then sends the headers and no body): see
/// [`super::http_methods`].
fn find<'p>(method: &str, path: &'p str) -> Option<(&'static Route, Vec<&'p str>)> {
    let on = |m: &str| {
        ROUTES.iter().find_map(|r| {
            (r.method == m)
                .then(|| matches(r.pattern, path))
                .flatten()
                .map(|p| (r, p))
        })
    };
    on(method).or_else(|| (method == "HEAD").then(|| on("GET")).flatten())
}

fn run(ctx: &Ctx<'_>, r: &Route, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    // First of all, before who is asking matters: a change through the UI carries its token.
    if r.checks_csrf() {
        super::csrf::guard(ctx, req)?;
    }
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
        && crate::domain::accounts::settings::totp_missing(core, a)?
    {
        return Ok(respond::see_other("/account/totp"));
    }
    // An archived space is read-only for everyone, through every route: decided here once
    // from the route table rather than in each handler. Only a member learns that the space
    // is archived; anyone else goes on to the handler's own 404.
    if r.refused_while_archived()
        && ctx.account.is_some()
        && ctx.space(params.first()).is_ok_and(|a| a.meta.archived)
    {
        return Err(AppError::Archived);
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
    if let AppError::Undertaking(space) = &e {
        return Ok(respond::see_other(&format!("/spaces/{space}/undertaking")));
    }
    let status = e.status();
    ui::error_page(ctx, e.key()).map(|r| r.with_status_code(status))
}
