//! `GET /spaces/{id}/exhibits/{exhibit}/content`: the exhibit's own file (the exact bytes
//! it was made from), as an attachment, for those who may see it: the members of its party,
//! and every member once it was communicated.

use rouille::{Request, Response, ResponseBody};

use crate::domain::exhibits;
use crate::error::AppError;
use crate::ids::ExhibitId;
use crate::web::api::document_content::disposition;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access = super::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| ExhibitId::parse(p))
        .ok_or(AppError::NotFound)?;
    let o = exhibits::open(ctx.core()?, &access, id)?;
    Ok(Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), "application/octet-stream".into()),
            (
                "Content-Disposition".into(),
                disposition("attachment", &o.name).into(),
            ),
            ("X-Content-SHA256".into(), o.sha256.into()),
        ],
        data: ResponseBody::from_reader_and_size(o.reader, o.len as usize),
        upgrade: None,
    })
}
