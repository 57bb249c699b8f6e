//! `GET /api/v1/documents/{id}/content[?version=N][&inline=1]`: the file's bytes with their
//! exact Content-Length. PDF and images may be shown inline, sandboxed (`CSP: sandbox`,
//! nosniff); anything else is always an attachment. Each call leaves a receipt. A view-only
//! document is refused to those it restricts (see `document_view::refuse_original`).

use rouille::{Request, Response};

use crate::domain::access;
use crate::domain::documents::{self, DocError};
use crate::error::AppError;
use crate::ids::DocumentId;
use crate::web::context::Ctx;

/// `filename*` of RFC 6266/5987: UTF-8, percent-encoded, with an ASCII fallback. Neither
/// ever carries a control or an invisible direction control (a name stored before names
/// refused them: `a\u{202E}fdp.exe` would be saved as `aexe.pdf`): they are dropped first.
pub(crate) fn disposition(kind: &str, name: &str) -> String {
    let name = crate::domain::hidden_chars::strip(name);
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
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{enc}")
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let id = params
        .first()
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let space = documents::space_of(core, id)?.ok_or(AppError::NotFound)?;
    let access = access::space(core, user, space).map_err(|_| AppError::NotFound)?;
    let version = req.get_param("version").and_then(|v| v.parse().ok());
    let inline = req.get_param("inline").as_deref() == Some("1");
    // A HEAD (served by this GET route) transfers nothing: it leaves no receipt.
    let open = if req.method() == "HEAD" {
        documents::open_untraced
    } else {
        documents::open
    };
    let o = match open(core, &access, id, version, inline) {
        Ok(o) => o,
        Err(DocError::NotFound) => return Err(AppError::NotFound),
        Err(DocError::ViewOnly) => {
            return crate::web::api::documents::document_view::refuse_original(
                ctx, space, id, inline,
            );
        }
        Err(DocError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(format!("download: {e:?}"))),
    };
    let show_inline = inline && o.inline_ok;
    let ct = if show_inline {
        o.content_type
    } else {
        "application/octet-stream"
    };
    let mut resp = Response {
        status_code: 200,
        headers: vec![
            ("Content-Type".into(), ct.into()),
            (
                "Content-Disposition".into(),
                disposition(if show_inline { "inline" } else { "attachment" }, &o.name).into(),
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
