//! `GET /depot/{id}/files/{n}`: file `n` (1-based) of a deposit of the staff's firm, always
//! as an attachment, with its exact length and its SHA-256 in `X-Content-SHA256`.

use rouille::{Request, Response, ResponseBody};

use super::depot_access::{self, internal};
use crate::domain::deposit_inbox;
use crate::error::AppError;
use crate::web::context::Ctx;

/// `filename*` of RFC 6266/5987: UTF-8, percent-encoded; an ASCII fallback beside it.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let enc: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{enc}")
}

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (staff, id) = depot_access::deposit(ctx, params.first())?;
    let n = params
        .get(1)
        .and_then(|n| n.parse::<usize>().ok())
        .ok_or(AppError::NotFound)?;
    let o = deposit_inbox::open_file(ctx.core()?, &staff, id, n).map_err(internal)?;
    Ok(Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), "application/octet-stream".into()),
            ("Content-Disposition".into(), disposition(&o.name).into()),
            ("X-Content-SHA256".into(), o.sha256.into()),
        ],
        data: ResponseBody::from_reader_and_size(o.reader, o.len as usize),
        upgrade: None,
    })
}
