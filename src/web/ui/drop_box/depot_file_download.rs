//! `GET /depot/{id}/files/{n}`: file `n` (1-based) of a deposit of the staff's firm, always
//! as an attachment, with its exact length and its SHA-256 in `X-Content-SHA256`.

use rouille::{Request, Response};

use crate::domain::drop_box::inbox;
use crate::error::AppError;
use crate::web::context::Ctx;
use crate::web::respond;
use crate::web::ui::drop_box::depot_access::{self, internal};

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (staff, id) = depot_access::deposit(ctx, params.first())?;
    let n = params
        .get(1)
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or(AppError::NotFound)?;
    let o = inbox::open_file(ctx.core()?, &staff, id, n).map_err(internal)?;
    respond::attachment(&o.name, o.sha256, o.reader, o.len)
}
