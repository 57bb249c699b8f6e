//! `POST /api/v1/session` `{"email","password","totp"?}` → `200 {"token"}` (a bearer token),
//! `401` on bad credentials, `429` when throttled (with `Retry-After`, and a message that
//! says how long).

use rouille::{Request, Response};
use serde::Deserialize;

use crate::domain::{accounts::sessions, accounts::signin};
use crate::error::AppError;
use crate::secret::Secret;
use crate::web::context::Ctx;
use crate::web::respond::json;
use crate::web::throttled as wait;

#[derive(Deserialize)]
struct Body {
    email: String,
    password: Secret,
    #[serde(default)]
    totp: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let body: Body = crate::web::api::json_body(req)?;
    let core = ctx.core()?;
    let ip = ctx.ip();
    let mut outcome = signin::with_password(core, &body.email, &body.password, &ip)?;
    if let signin::Outcome::SecondFactor(a) = &outcome {
        outcome = match &body.totp {
            Some(code) => signin::second_factor(core, a, code, &ip)?,
            None => {
                return Ok(json(
                    401,
                    &serde_json::json!({"error": "totp_required", "message": ctx.tr("totp_intro")}),
                ));
            }
        };
    }
    match outcome {
        signin::Outcome::Signed(a) => {
            let token = sessions::open_session(core, &a, ctx.agent())?;
            Ok(json(200, &serde_json::json!({"token": token})))
        }
        signin::Outcome::Wait(secs) => Ok(throttled(ctx, "error_sign_in_wait", secs)),
        signin::Outcome::Locked(secs) => Ok(throttled(ctx, "error_sign_in_locked", secs)),
        signin::Outcome::Busy(secs) => Ok(throttled(ctx, "error_sign_in_busy", secs)),
        signin::Outcome::NetworkLocked(secs) => {
            Ok(throttled(ctx, "error_sign_in_network_locked", secs))
        }
        _ => Ok(json(
            401,
            &serde_json::json!({"error": "unauthorized", "message": ctx.tr("error_sign_in_failed")}),
        )),
    }
}

/// `429 {"error":"throttled","message"}` saying to come back in `secs` seconds.
fn throttled(ctx: &Ctx<'_>, key: &'static str, secs: u64) -> Response {
    let message = wait::message(ctx, key, secs);
    let body = serde_json::json!({"error": "throttled", "message": message});
    wait::answer(json(429, &body), secs)
}
