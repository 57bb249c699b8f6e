//! What the visitor's handlers of a drop box share: the link (an unknown, closed or
//! replaced one is a 404), the visit cookie, the page of each stage, and the messages of
//! refusals.
//!
//! The cookie (`hc_depot`, `__Secure-hc_depot` under TLS) holds a random secret whose hash
//! names the visit; it is `HttpOnly`, `SameSite=Lax`, scoped to the link's path
//! (`/depot/{token}`, so it is sent nowhere else and dies with the link) and short-lived
//! (`[deposits] session_minutes`, renewed at each page).

use rouille::{Request, Response};

use crate::domain::drop_box::files;
use crate::domain::drop_box::settings;
use crate::domain::drop_box::visit;
use crate::domain::drop_box::{self, DepositError, Limits};
use crate::error::AppError;
use crate::ids::FirmId;
use crate::model::time;
use crate::store::firms;
use crate::web::context::Ctx;

const COOKIE: &str = "hc_depot";

/// An open drop box, reached by its link.
pub struct Link {
    pub firm: FirmId,
    pub token: String,
    pub limits: Limits,
    pub firm_name: String,
}

impl Link {
    pub fn path(&self) -> String {
        format!("/depot/{}", self.token)
    }
}

/// The open drop box of the link `token`, or the 404 of an unknown page.
pub fn link(ctx: &Ctx<'_>, token: Option<&&str>) -> Result<Link, AppError> {
    let token = token.ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let (firm, b) = settings::resolve(core, token)?.ok_or(AppError::NotFound)?;
    let firm_name = firms::profile(&core.store, firm)?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(Link {
        firm,
        token: (*token).to_owned(),
        limits: drop_box::limits(core, &b),
        firm_name,
    })
}

fn cookie_name(ctx: &Ctx<'_>) -> String {
    if ctx.secure {
        format!("__Secure-{COOKIE}")
    } else {
        COOKIE.to_owned()
    }
}

/// The visit secret the browser holds for this link.
pub fn cookie(ctx: &Ctx<'_>, req: &Request) -> Option<String> {
    let name = cookie_name(ctx);
    rouille::input::cookies(req)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 43)
}

/// Sets (or with `None`, deletes) the visit cookie of the link.
pub fn set_cookie(ctx: &Ctx<'_>, link: &Link, value: Option<&str>) {
    let age = match value {
        Some(_) => link.limits.session_secs,
        None => 0,
    };
    let mut c = format!(
        "{}={}; Path={}; HttpOnly; SameSite=Lax; Max-Age={age}",
        cookie_name(ctx),
        value.unwrap_or(""),
        link.path()
    );
    if ctx.secure {
        c.push_str("; Secure");
    }
    ctx.cookies.borrow_mut().push(c);
}

/// The status and translated message of a refusal.
pub fn message(ctx: &Ctx<'_>, e: &DepositError) -> Result<(u16, String), AppError> {
    let (status, key, n) = match e {
        DepositError::NotFound => return Err(AppError::NotFound),
        DepositError::Invalid(i) => (400, i.key, 0),
        DepositError::Refused(k, n) => {
            let limited = matches!(
                *k,
                "error_deposit_address_day"
                    | "error_deposit_code_wait"
                    | "error_deposit_codes_locked"
                    | "error_deposit_codes_day"
                    | "error_deposit_network_hour"
            );
            (if limited { 429 } else { 400 }, *k, *n)
        }
        DepositError::TooLarge(k, n) => (413, *k, *n),
        DepositError::Io(e) => return Err(AppError::Internal(format!("deposit: {e}"))),
        DepositError::Store(e) => return Err(AppError::Internal(e.to_string())),
    };
    let text = match key {
        "error_deposit_code_wait" | "error_deposit_codes_locked" => {
            crate::web::throttled::message(ctx, key, n)
        }
        _ => ctx.tr(key).replace("{n}", &n.to_string()),
    };
    Ok((status, text))
}

/// `resp` with the `Retry-After` of `e` when it is a limit that lifts by itself (every 429
/// of a drop box is one).
pub fn limited(resp: Response, e: &DepositError) -> Response {
    match visit::retry_after(e, time::now()) {
        Some(secs) if resp.status_code == 429 => crate::web::throttled::answer(resp, secs),
        _ => resp,
    }
}

/// Form values shown again when the start form is refused.
#[derive(Default)]
pub struct Typed<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub note: &'a str,
}

fn common(link: &Link, error: Option<String>) -> minijinja::Value {
    let l = &link.limits;
    minijinja::context! {
        path => link.path(), firm_name => link.firm_name, error_message => error,
        per_day => l.per_address_per_day, max_deposit_mib => drop_box::mib(l.max_deposit),
        max_file_mib => drop_box::mib(l.max_file), max_files => l.max_files,
        session_minutes => l.session_secs / 60,
    }
}

/// The first page: name and address.
pub fn start_form(
    ctx: &Ctx<'_>,
    link: &Link,
    error: Option<String>,
    status: u16,
    typed: &Typed<'_>,
) -> Result<Response, AppError> {
    crate::web::ui::page(
        ctx,
        "deposit_start.html",
        minijinja::context! {
            name => typed.name, email => typed.email, ..common(link, error)
        },
    )
    .map(|r| r.with_status_code(status))
}

/// The page of the stage the visitor is at, with `error` (and `status`) if something was
/// refused. A verified visit renews its cookie.
pub fn render(
    ctx: &Ctx<'_>,
    req: &Request,
    link: &Link,
    error: Option<String>,
    status: u16,
    typed: &Typed<'_>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let secret = cookie(ctx, req);
    let v = match &secret {
        Some(s) => visit::visit(core, link.firm, s, time::now())?,
        None => None,
    };
    let (v, secret) = match (v, secret) {
        (Some(v), Some(s)) => (v, s),
        _ => return start_form(ctx, link, error, status, typed),
    };
    if !v.verified {
        return crate::web::ui::page(
            ctx,
            "deposit_code.html",
            minijinja::context! {
                email => v.email, minutes => visit::CODE_MINUTES,
                used_up => v.code_hash.is_empty(), ..common(link, error)
            },
        )
        .map(|r| r.with_status_code(status));
    }
    let Some(d) = files::view(core, link.firm, &v)? else {
        // The deposit went (left unsent too long): start again.
        visit::abandon(core, link.firm, &secret)
            .map_err(|e| AppError::Internal(format!("deposit visit not ended: {e}")))?;
        set_cookie(ctx, link, None);
        let over = Some(ctx.tr("error_deposit_session_over").to_owned());
        return start_form(ctx, link, over, 200, &Typed::default());
    };
    set_cookie(ctx, link, Some(&secret));
    let template = if v.sent {
        "deposit_receipt.html"
    } else {
        "deposit_upload.html"
    };
    crate::web::ui::page(
        ctx,
        template,
        minijinja::context! {
            deposit => d, note => typed.note, note_max => files::NOTE_MAX,
            ..common(link, error)
        },
    )
    .map(|r| r.with_status_code(status))
}
