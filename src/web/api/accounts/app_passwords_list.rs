//! `GET /api/v1/me/app-passwords` (staff) → `{"app_passwords":[{"id","label","created_at",
//! "last_used_at"}]}`: the caller's app passwords, never the secrets.

use rouille::{Request, Response};

use crate::domain::accounts::app_passwords;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond::json;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let list = app_passwords::list(ctx.core()?, staff.account)?;
    Ok(json(200, &serde_json::json!({"app_passwords": list})))
}
