//! `POST /mail`: sends the secure mail of the compose form (`draft`: the draft the files were
//! streamed into, created here when there is none; `to`, `subject`, `text`, `lang`,
//! `expiry_days` (or `expiry_secs` where allowed), `max_downloads`, `method` = `code` |
//! `passphrase`, `picked` = `space:document`, repeated). With `action=pick` and `space`,
//! the form comes back as typed with that space's documents to pick. Once sent, the page
//! shows the passphrases (passphrase mode) this one time, and links to the tracking.

use rouille::{Request, Response};

use crate::domain::secure_mail::addresses;
use crate::domain::secure_mail::{self, SmError, send};
use crate::error::AppError;
use crate::ids::{SecureMailId, SpaceId};
use crate::model::time;
use crate::store::secure_mail::items::Method;
use crate::web::context::Ctx;
use crate::web::ui::secure_mail::mail_common::{Typed, app_error, compose_page, compose_page_with};

/// 20,000 characters of up to 4 bytes, percent-encoded, plus the other fields.
const MAX_BYTES: u64 = 256 * 1024;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let form = ctx.form_max(MAX_BYTES)?;
    let staff = ctx.staff()?;
    let core = ctx.core()?;
    let typed = Typed::from_form(&form);
    if form.get("action") == "pick" {
        let space = SpaceId::parse(form.get("space"));
        return compose_page(ctx, &staff, typed, None, space);
    }
    let now = time::now();
    let expiry = send::expiry_secs(
        form.get("expiry_days"),
        form.get("expiry_secs"),
        core.config.secure_mail.min_expiry_secs,
    );
    let limit = send::download_limit(form.get("max_downloads"));
    let (expiry_secs, max_downloads) = match (expiry, limit) {
        (Ok(e), Ok(l)) => (e, l),
        (Err(i), _) | (_, Err(i)) => return compose_page(ctx, &staff, typed, Some(i.key), None),
    };
    let c = send::Compose {
        to: typed.to.clone(),
        subject: typed.subject.clone(),
        text: typed.text.clone(),
        lang: typed.lang.clone(),
        expiry_secs,
        max_downloads,
        method: if form.get("method") == "passphrase" {
            Method::Passphrase
        } else {
            Method::Code
        },
        picked: typed
            .picked
            .iter()
            .filter_map(|p| send::parse_pick(p))
            .collect(),
    };
    let draft = match SecureMailId::parse(&typed.draft) {
        // Sent already (a form sent twice), or discarded after a day: say so, keep the text.
        Some(d) if secure_mail::draft(core, &staff, d, now).is_err() => {
            let mut typed = typed;
            typed.draft.clear();
            return compose_page(ctx, &staff, typed, Some("secure_error_draft_gone"), None)
                .map(|r| r.with_status_code(409));
        }
        Some(d) => d,
        None => secure_mail::create_draft(core, &staff, now).map_err(app_error)?,
    };
    match send::send(core, &staff, draft, &c, now) {
        Ok(sent) => {
            let passphrases: Vec<_> = sent
                .passphrases
                .iter()
                .map(|(email, p)| minijinja::context! { email => email, passphrase => p })
                .collect();
            crate::web::ui::page(
                ctx,
                "mail_sent.html",
                minijinja::context! { id => sent.id.hex(), passphrases => passphrases },
            )
        }
        Err(SmError::Invalid(i)) => {
            // A wrong recipient is named by its position in the list, never by the others.
            let message = match addresses::list(&typed.to) {
                Err(e) if i.field == "to" => e.message(ctx.tr(e.key())),
                _ => ctx.tr(i.key).to_owned(),
            };
            let mut typed = typed;
            typed.draft = draft.hex();
            compose_page_with(ctx, &staff, typed, Some(message), None)
                .map(|r| r.with_status_code(422))
        }
        Err(e) => Err(app_error(e)),
    }
}
