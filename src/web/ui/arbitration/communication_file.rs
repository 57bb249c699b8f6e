//! `GET /spaces/{id}/communications/{communication}/bordereau.pdf` and
//! `GET /spaces/{id}/communications/{communication}/items/{n}`: the bordereau, or the n-th
//! exhibit as communicated (the stamped copy when it was stamped), for every member of the
//! space, with its SHA-256 in `X-Content-SHA256`.

use rouille::{Request, Response};

use crate::domain::arbitration::views;
use crate::error::AppError;
use crate::ids::CommunicationId;
use crate::web::api::documents::document_content::disposition;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let access =
        crate::web::ui::arbitration::exhibits_show::space_with_exhibits(ctx, params.first())?;
    let id = params
        .get(1)
        .and_then(|p| CommunicationId::parse(p))
        .ok_or(AppError::NotFound)?;
    let n = match params.get(2) {
        Some(n) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(AppError::NotFound)?,
        None => 0,
    };
    let o = views::open_file(ctx.core()?, &access, id, n)?.ok_or(AppError::NotFound)?;
    // The bordereau may be shown in the browser (sandboxed); exhibits are downloads.
    let inline = n == 0 && req.get_param("inline").as_deref() == Some("1");
    // The bordereau is a PDF the box wrote: said so, so that a PDF reader opens it; an
    // exhibit is whatever a party sent, never typed by its name.
    let (ct, kind) = match (inline, n) {
        (true, _) => (o.content_type.as_str(), "inline"),
        (false, 0) => ("application/pdf", "attachment"),
        (false, _) => ("application/octet-stream", "attachment"),
    };
    let mut resp = Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), ct.to_owned().into()),
            (
                "Content-Disposition".into(),
                disposition(kind, &o.name).into(),
            ),
        ],
        data: crate::web::respond::body(o.reader, o.len)?,
        upgrade: None,
    };
    if inline {
        resp = resp.with_unique_header("Content-Security-Policy", "sandbox; default-src 'none'");
    }
    Ok(resp)
}
