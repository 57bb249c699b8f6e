//! `GET /static/…`: embedded CSS, scripts and images, cached by content hash.

use rouille::{Request, Response};

use crate::error::AppError;
use crate::web::assets;
use crate::web::context::Ctx;

pub fn handle(_ctx: &Ctx<'_>, req: &Request, params: &[&str]) -> Result<Response, AppError> {
    let rel = params.first().copied().unwrap_or("");
    if rel.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
        return Err(AppError::NotFound);
    }
    let path = format!("static/{rel}");
    let data = assets::get(&path).ok_or(AppError::NotFound)?;
    let etag = assets::etag(&path).unwrap_or_default();
    if req.header("If-None-Match") == Some(etag.as_str()) {
        return Ok(Response::text("")
            .with_status_code(304)
            .with_unique_header("ETag", etag));
    }
    Ok(
        Response::from_data(assets::content_type(&path), data.into_owned())
            .with_unique_header("ETag", etag)
            .with_unique_header("Cache-Control", "public, max-age=3600"),
    )
}
