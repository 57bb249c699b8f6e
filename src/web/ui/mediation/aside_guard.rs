//! The guard of every page, form and API call of an aside: the space's access check, then
//! the aside's ([`crate::domain::access::aside`]); any refusal is the 404 of an unknown id.
//! Also the pieces the pages of rooms share: where the viewer is, and the tabs of the rooms.

use crate::domain::access::{self, Denied, SpaceAccess};
use crate::domain::mediation::asides::AsideAccess;
use crate::error::AppError;
use crate::ids::AsideId;
use crate::web::context::Ctx;

impl Ctx<'_> {
    /// The space of `params[0]` and its aside `params[1]`, as the caller may use them.
    pub fn aside(&self, params: &[&str]) -> Result<(SpaceAccess, AsideAccess), AppError> {
        let s = self.space(params.first())?;
        let id = params
            .get(1)
            .and_then(|p| AsideId::parse(p))
            .ok_or(AppError::NotFound)?;
        let a = access::aside(self.core()?, &s, id).map_err(|e| match e {
            Denied::NotFound => AppError::NotFound,
            Denied::Store(e) => AppError::from(e),
        })?;
        Ok((s, a))
    }
}

/// The error keys the pages of asides show after a redirect (`?error=KEY`); others are
/// ignored.
pub fn error_message(ctx: &Ctx<'_>, req: &rouille::Request) -> Option<String> {
    const SHOWN: &[&str] = &[
        "error_required",
        "error_text_invalid",
        "error_text_bidi",
        "error_aside_members",
        "error_aside_self",
        "error_message_length",
        "error_file_name",
        "error_file_name_bidi",
        "error_undertaking_length",
        "error_undertaking_changed",
    ];
    let k = req.get_param("error")?;
    SHOWN
        .iter()
        .find(|s| **s == k)
        .map(|k| ctx.tr(k).to_owned())
}
