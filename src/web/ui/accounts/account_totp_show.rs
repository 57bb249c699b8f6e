//! `GET /account/totp`: enrolment of an authenticator app (QR code and secret).

use rouille::{Request, Response};

use crate::domain::{accounts::settings, accounts::totp};
use crate::error::AppError;
use crate::store::firms;
use crate::web::context::Ctx;

pub fn handle(ctx: &Ctx<'_>, _req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let (core, user) = ctx.signed_in()?;
    let secret = settings::totp_begin(core, user)?;
    let issuer = user
        .firm
        .and_then(|f| firms::profile(&core.store, f).ok().flatten())
        .map(|p| p.display_name)
        .unwrap_or_else(|| "Huis Clos".into());
    let uri = totp::uri(&secret, &issuer, &user.email);
    let qr = settings::qr_svg(&uri).map(|s| s[s.find("<svg").unwrap_or(0)..].to_owned());
    crate::web::ui::page(
        ctx,
        "account_totp.html",
        minijinja::context! {
            secret => secret, uri => uri, qr => qr.map(minijinja::Value::from_safe_string),
            codes => (), error_message => (),
        },
    )
}
