//! `GET /admin/journal`: the firm's sign-in journal (who, what, when, from where).

use std::collections::HashMap;

use rouille::{Request, Response};

use crate::domain::time;
use crate::error::AppError;
use crate::store::{accounts, signins};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let admin = ctx.firm_admin()?;
    let core = ctx.core()?;
    let names: HashMap<_, _> = accounts::all(&core.store)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let lines: Vec<_> = signins::journal(&core.store, admin.firm, 500)?
        .into_iter()
        .map(|e| {
            minijinja::context! {
                at => time::rfc3339(e.at),
                who => names.get(&e.account).cloned().unwrap_or_default(),
                event => format!("journal_{}", e.event),
                ip => e.ip,
            }
        })
        .collect();
    super::page(
        ctx,
        "admin_journal.html",
        minijinja::context! { lines => lines },
    )
}
