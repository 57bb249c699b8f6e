//! `GET /api/v1/documents/{id}/view[?version=N]`: a PDF watermarked for the caller (name,
//! address, date and time on every page), shown inline and sandboxed, never cached. It is
//! what a view-only document's readers get instead of its bytes; anyone who may see the
//! document may ask for it. Each view leaves a receipt and a journal entry. Not a PDF,
//! encrypted, broken or too large: 400 with a message saying so.

use rouille::{Request, Response};

use crate::domain::access;
use crate::domain::dataroom::view_only::{self, Labels, ViewError, Viewed};
use crate::domain::documents;
use crate::error::AppError;
use crate::ids::{DocumentId, SpaceId};
use crate::web::context::Ctx;
use crate::web::respond::see_other;

pub fn handle(ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let id = params
        .first()
        .and_then(|p| DocumentId::parse(p))
        .ok_or(AppError::NotFound)?;
    let space = documents::space_of(core, id)?.ok_or(AppError::NotFound)?;
    let access = access::space(core, user, space).map_err(|_| AppError::NotFound)?;
    let version = req.get_param("version").and_then(|v| v.parse().ok());
    view(ctx, req, &access, id, version)
}

/// The watermarked copy for the signed-in viewer, as a response (shared with the page
/// route `/spaces/{id}/documents/{doc}/view`).
pub fn view(
    ctx: &Ctx<'_>,
    req: &Request,
    access: &access::SpaceAccess,
    id: DocumentId,
    version: Option<usize>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let labels = Labels {
        viewed: ctx.tr("watermark_viewed"),
        footer: ctx.tr("watermark_footer"),
    };
    // A HEAD (a link checker, a monitor) answers the same headers but opens nothing: no
    // receipt, no journal line, which are the proof that the person read it.
    let made = if req.method() == "HEAD" {
        view_only::watermarked_untraced(core, access, ctx.user()?, id, version, &labels)
            .map(|(v, _)| v)
    } else {
        view_only::watermarked(core, access, ctx.user()?, id, version, &labels)
    };
    match made {
        Ok(v) => Ok(pdf(v)),
        Err(ViewError::NotFound) => Err(AppError::NotFound),
        Err(ViewError::NotPdf) => Err(AppError::BadRequest("error_view_not_pdf")),
        Err(ViewError::TooLarge) => Err(AppError::BadRequest("error_view_too_large")),
        Err(ViewError::Encrypted) => Err(AppError::BadRequest("error_view_encrypted")),
        Err(ViewError::Broken) => Err(AppError::BadRequest("error_view_broken")),
        Err(ViewError::Io(e)) => Err(AppError::Internal(format!("watermark of {id}: {e}"))),
        Err(ViewError::Store(e)) => Err(e.into()),
    }
}

fn pdf(v: Viewed) -> Response {
    let name = crate::web::api::documents::document_content::disposition("inline", &v.name);
    Response::from_data("application/pdf", v.pdf)
        .with_unique_header("Content-Disposition", name)
        .with_unique_header(
            "Content-Security-Policy",
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        )
        .with_unique_header("Cache-Control", "no-store, private")
        .with_unique_header("X-View-Reference", v.reference)
}

/// The answer to a request for the original bytes of a document that is view only for the
/// caller: an inline view goes to the watermarked copy; a download is refused, with 403
/// and a message for scripts, and for a browser (cookie session) by going back to the
/// document's page, which says why and offers the watermarked view.
pub fn refuse_original(
    ctx: &Ctx<'_>,
    space: SpaceId,
    id: DocumentId,
    inline: bool,
) -> Result<Response, AppError> {
    match (inline, ctx.bearer) {
        (true, true) => Ok(see_other(&format!("/api/v1/documents/{id}/view"))),
        (true, false) => Ok(see_other(&format!("/spaces/{space}/documents/{id}/view"))),
        (false, true) => Err(AppError::Forbidden("error_view_only")),
        (false, false) => Ok(see_other(&format!(
            "/spaces/{space}/documents/{id}?error=error_view_only"
        ))),
    }
}
