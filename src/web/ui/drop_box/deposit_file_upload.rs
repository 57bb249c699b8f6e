//! `POST /depot/{token}/files?name=NAME` with the raw file as the body (streamed and
//! encrypted as it arrives; the browser sends the CSRF token in `X-CSRF-Token`) →
//! `201 {"n","id","name","size","sha256"}`. Only a verified visit whose deposit is not sent
//! may upload (else `400 {"error":"not_verified"}`); a limit passed answers `413` (or `400`
//! for the number of files) with the message saying which limit and what to do, and nothing
//! of the file is kept.

use rouille::{Request, Response};

use crate::domain::drop_box::DepositError;
use crate::domain::drop_box::files;
use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond::json;
use crate::web::ui::drop_box::deposit_page;

fn refusal(status: u16, code: &str, message: &str) -> Response {
    json(
        status,
        &serde_json::json!({"error": code, "message": message}),
    )
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let link = deposit_page::link(ctx, params.first())?;
    let core = ctx.core()?;
    let now = time::now();
    let verified = match deposit_page::cookie(ctx, req) {
        Some(s) => crate::domain::drop_box::visit::visit(core, link.firm, &s, now)?
            .filter(|v| v.verified && !v.sent)
            .map(|_| s),
        None => None,
    };
    let Some(secret) = verified else {
        return Ok(refusal(
            400,
            "not_verified",
            ctx.tr("error_deposit_not_verified"),
        ));
    };
    let name = req.get_param("name").unwrap_or_default();
    let declared = req
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok());
    let body = req.data().ok_or(AppError::BadRequest("error_bad_form"))?;
    match files::add_file(
        core,
        link.firm,
        &link.limits,
        &secret,
        &name,
        declared,
        body,
        now,
    ) {
        Ok(f) => {
            // The visit lasts from its last action: the cookie too.
            deposit_page::set_cookie(ctx, &link, Some(&secret));
            Ok(json(201, &serde_json::json!(f)))
        }
        Err(DepositError::NotFound) => Ok(refusal(
            400,
            "not_verified",
            ctx.tr("error_deposit_not_verified"),
        )),
        Err(e) => {
            let (status, message) = deposit_page::message(ctx, &e)?;
            let code = if status == 413 {
                "too_large"
            } else {
                "refused"
            };
            Ok(refusal(status, code, &message))
        }
    }
}
