//! The embedded web assets: templates, static files, locales.
//!
//! In a release build every file is inside the binary; nothing is read from the source tree
//! at run time.

use std::borrow::Cow;

#[derive(rust_embed::Embed)]
#[folder = "web-assets/"]
#[exclude = "*.md"]
struct Assets;

pub fn get(path: &str) -> Option<Cow<'static, [u8]>> {
    Assets::get(path).map(|f| f.data)
}

/// The content hash of an asset, for its ETag.
pub fn etag(path: &str) -> Option<String> {
    Assets::get(path).map(|f| {
        let h = f.metadata.sha256_hash();
        format!("\"{}\"", data_encoding::HEXLOWER.encode(&h[..12]))
    })
}

/// Every embedded path under `prefix`.
pub fn list(prefix: &str) -> Vec<String> {
    Assets::iter()
        .filter(|p| p.starts_with(prefix))
        .map(|p| p.into_owned())
        .collect()
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
