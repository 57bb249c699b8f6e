//! `GET /spaces/{id}/exhibits/{exhibit}/content`: the exhibit's own file (the exact bytes
//! it was made from), as an attachment, for those who may see it: the members of its party,
//! and every member once it was communicated.

use rouille::{Request, Response};

use crate::domain::arbitration::exhibits;
use crate::error::AppError;
use crate::ids::ExhibitId;
use crate::web::context::Ctx;
use crate::web::respond;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| ExhibitId::parse(p))
        .ok_or(AppError::NotFound)?;
    let o = exhibits::open(ctx.core()?, &access, id)?;
    respond::attachment(&o.name, o.sha256, o.reader, o.len)
}
