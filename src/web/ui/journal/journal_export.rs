//! `GET /spaces/{id}/journal.json` and `GET /spaces/{id}/journal.csv`: the space's journal as
//! a download for its Gestionnaires; the JSON is signed by the box and verifiable offline
//! (`huisclos journal verify --export FILE`).

use rouille::{Request, Response};

use crate::domain::journal::export;
use crate::error::AppError;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = ctx.space(params.first())?;
    let m = access.manage().ok_or(AppError::NotFound)?;
    let core = ctx.core()?;
    let (body, ct, ext) = if req.url().ends_with(".csv") {
        (
            export::export_csv(core, &m)?,
            "text/csv; charset=utf-8",
            "csv",
        )
    } else {
        (
            export::export_json(core, &m)?.to_string(),
            "application/json",
            "json",
        )
    };
    let name = format!("journal-{}.{ext}", access.id);
    Ok(Response::from_data(ct, body).with_unique_header(
        "Content-Disposition",
        format!("attachment; filename=\"{name}\""),
    ))
}
