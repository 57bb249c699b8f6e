//! `GET /invite/{token}`: the invitee's landing page: join (signed in as the invited
//! address), or create the account (password, or e-mailed codes). An invitation already
//! accepted sends its owner to sign in (to the space when he is signed in already): he
//! has an account, and "no longer valid, ask for a new one" would send him the wrong way.

use rouille::{Request, Response};

use crate::domain::spaces::invites;
use crate::error::AppError;
use crate::store::{accounts, firms, spaces};
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let token = params.first().copied().unwrap_or("");
    let core = ctx.core()?;
    let Some(inv) = invites::valid(core, token)? else {
        if let Some(used) = invites::used(core, token)? {
            let own = ctx.account.as_ref().is_some_and(|a| {
                accounts::normalise_email(&a.email) == accounts::normalise_email(&used.email)
            });
            return Ok(crate::web::respond::see_other(&if own {
                format!("/spaces/{}", used.space)
            } else {
                "/login?invite=used".to_owned()
            }));
        }
        return crate::web::ui::error_page(ctx, "error_invite_invalid")
            .map(|r| r.with_status_code(404));
    };
    render(ctx, token, &inv, None)
}

pub fn render(
    ctx: &Ctx<'_>,
    token: &str,
    inv: &crate::store::spaces::invites::Invite,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let core = ctx.core()?;
    let firm = spaces::entry(&core.store, inv.space)?
        .and_then(|e| firms::profile(&core.store, e.firm).ok().flatten())
        .map(|p| p.name)
        .unwrap_or_default();
    let has_account = accounts::by_email(&core.store, &inv.email)?.is_some();
    let signed_in_as_invitee = ctx.account.as_ref().is_some_and(|a| {
        accounts::normalise_email(&a.email) == accounts::normalise_email(&inv.email)
    });
    crate::web::ui::page(
        ctx,
        "invite.html",
        minijinja::context! {
            token => token, firm_name => firm, email => inv.email,
            has_account => has_account, signed_in_as_invitee => signed_in_as_invitee,
            error_message => error,
        },
    )
}
