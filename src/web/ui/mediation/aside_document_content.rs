//! `GET /spaces/{id}/asides/{aside}/documents/{adoc}[?version=N][&inline=1]`: the bytes of a
//! document of an aside, as `/api/v1/documents/{id}/content` serves a space's (sandboxed when
//! inline, an attachment otherwise); the receipt and the journal entry go to the aside.

use rouille::{Request, Response};

use crate::domain::documents::{self, DocError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::api::documents::document_content::disposition;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (_, a) = ctx.aside(params)?;
    let id = params
        .get(2)
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let version = req.get_param("version").and_then(|v| v.parse().ok());
    let inline = req.get_param("inline").as_deref() == Some("1");
    // A HEAD (served by this GET route) transfers nothing: it leaves no receipt.
    let open = if req.method() == "HEAD" {
        documents::open_untraced
    } else {
        documents::open
    };
    let o = match open(ctx.core()?, &a.room, id, version, inline) {
        Ok(o) => o,
        Err(DocError::Store(e)) => return Err(e.into()),
        Err(DocError::Io(e)) => return Err(AppError::Internal(format!("aside download: {e}"))),
        Err(_) => return Err(AppError::NotFound),
    };
    let show_inline = inline && o.inline_ok;
    let ct = if show_inline {
        o.content_type
    } else {
        "application/octet-stream"
    };
    let kind = if show_inline { "inline" } else { "attachment" };
    let mut resp = Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), ct.into()),
            (
                "Content-Disposition".into(),
                disposition(kind, &o.name).into(),
            ),
            ("X-Content-SHA256".into(), o.sha256.into()),
        ],
        data: crate::web::respond::body(o.reader, o.len)?,
        upgrade: None,
    };
    if show_inline {
        resp = resp.with_unique_header(
            "Content-Security-Policy",
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        );
    }
    Ok(resp)
}
