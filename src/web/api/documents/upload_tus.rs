//! What the tus 1.0.0 handlers share (`upload_*`): the protocol's headers and their
//! parsing, the access check from an upload id, the answers to the domain's errors, and
//! the OpenAPI description of the routes. <https://tus.io/protocols/resumable-upload>

use std::collections::HashMap;

use rouille::{Request, Response};
use serde_json::{Value, json};

use crate::domain::access::{self, Denied, SpaceAccess, Upload};
use crate::domain::documents::uploads::{self, Status, UploadError};
use crate::error::AppError;
use crate::ids::UploadId;
use crate::web::context::Ctx;
use crate::web::respond;

pub const VERSION: &str = "1.0.0";
pub const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration";
/// The paths of the tus routes: every answer there carries `Tus-Resumable`, refusals
/// made by the dispatcher (401, 404, 405) included.
const PATHS: [&str; 2] = ["/api/v1/spaces/{id}/uploads", "/api/v1/uploads/{upload}"];
/// The media type of a body of file bytes (`PATCH`, creation-with-upload).
pub const OCTETS: &str = "application/offset+octet-stream";
/// Extra headers of the response that finishes an upload, so a client can link to it.
pub const DOCUMENT_HEADER: &str = "Huis-Clos-Document";
pub const SHA256_HEADER: &str = "Huis-Clos-Sha256";

/// The largest upload accepted, in bytes (`Tus-Max-Size`).
pub fn max_size(ctx: &Ctx<'_>) -> u64 {
    ctx.app
        .config
        .documents
        .max_upload_mib
        .saturating_mul(1024 * 1024)
}

/// A JSON error of the API, with the tus version header.
pub fn error(ctx: &Ctx<'_>, status: u16, code: &str, key: &'static str) -> Response {
    respond::json(status, &json!({"error": code, "message": ctx.tr(key)}))
        .with_unique_header("Tus-Resumable", VERSION)
}

/// `412` unless the request says it speaks tus 1.0.0 (every request but `OPTIONS` must).
pub fn refuse_version(ctx: &Ctx<'_>, req: &Request) -> Option<Response> {
    if req.header("Tus-Resumable").map(str::trim) == Some(VERSION) {
        return None;
    }
    Some(
        error(ctx, 412, "precondition_failed", "upload_error_version")
            .with_unique_header("Tus-Version", VERSION),
    )
}

/// Whether `path` is one of the tus routes' paths.
pub fn is_tus_path(path: &str) -> bool {
    PATHS
        .iter()
        .any(|p| crate::web::routes::matches(p, path).is_some())
}

/// The method the request is handled as. tus 1.0 requires a server to honour
/// `X-HTTP-Method-Override`, for clients behind proxies that block PATCH and DELETE: a
/// `POST` to an upload that names one of those is that method. Nowhere else, and no other
/// method: the override must not open a route to a request the table did not mean.
pub fn method<'r>(req: &'r Request, path: &str) -> &'r str {
    let wanted = req.header("X-HTTP-Method-Override").map(str::trim);
    if req.method() != "POST" || !path.starts_with("/api/v1/uploads/") {
        return req.method();
    }
    match wanted {
        Some(m) if m.eq_ignore_ascii_case("PATCH") => "PATCH",
        Some(m) if m.eq_ignore_ascii_case("DELETE") => "DELETE",
        _ => req.method(),
    }
}

/// A header holding a non-negative decimal integer.
pub fn number(req: &Request, name: &str) -> Option<u64> {
    let v = req.header(name)?.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs (the value may be absent);
/// keys unique. `None` when malformed.
pub fn metadata(raw: &str) -> Option<HashMap<String, Vec<u8>>> {
    let mut out = HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let value = value.trim();
        if key.is_empty() || !key.is_ascii() {
            return None;
        }
        let bytes = data_encoding::BASE64
            .decode(value.as_bytes())
            .or_else(|_| data_encoding::BASE64_NOPAD.decode(value.as_bytes()))
            .ok()?;
        if out.insert(key.to_owned(), bytes).is_some() {
            return None;
        }
    }
    Some(out)
}

/// An instant as an HTTP date (`Upload-Expires`), e.g. `Wed, 25 Jun 2014 16:00:00 GMT`.
pub fn http_date(unix: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// The access check of `/uploads/{upload}`, first step: the caller's access to the
/// upload's space; then [`owned`] once the caller's right to upload there is taken. Every
/// miss is the same 404.
pub fn access(ctx: &Ctx<'_>, params: &[&str]) -> Result<(SpaceAccess, UploadId), AppError> {
    let id = params
        .first()
        .and_then(|p| UploadId::parse(p))
        .ok_or(AppError::NotFound)?;
    let (core, user) = ctx.signed_in()?;
    let space = uploads::space_of(core, id)?.ok_or(AppError::NotFound)?;
    let access = access::space(core, user, space).map_err(|e| match e {
        Denied::NotFound => AppError::NotFound,
        Denied::Store(e) => AppError::from(e),
    })?;
    Ok((access, id))
}

/// The caller's own live upload: checked before anything else is said about it.
pub fn owned(ctx: &Ctx<'_>, up: &Upload<'_>, id: UploadId) -> Result<(), AppError> {
    match uploads::owned(ctx.core()?, up, id, crate::model::time::now()) {
        Ok(()) => Ok(()),
        Err(UploadError::Store(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

/// Adds where the upload stands, and the document it became once finished.
pub fn with_status(resp: Response, st: &Status) -> Response {
    let mut resp = resp
        .with_unique_header("Tus-Resumable", VERSION)
        .with_unique_header("Upload-Offset", st.offset.to_string())
        .with_unique_header("Cache-Control", "no-store");
    if st.done.is_none() {
        resp = resp.with_unique_header("Upload-Expires", http_date(st.expires_at));
    }
    if let Some(d) = &st.done {
        resp = resp
            .with_unique_header(DOCUMENT_HEADER, d.document.hex())
            .with_unique_header(SHA256_HEADER, d.sha256.clone());
    }
    resp
}

/// The answer to a refusal of the domain.
pub fn answer(ctx: &Ctx<'_>, e: UploadError) -> Result<Response, AppError> {
    match e {
        UploadError::NotFound => Err(AppError::NotFound),
        UploadError::Invalid(i) => Err(AppError::BadRequest(i.key)),
        UploadError::TooLarge => Ok(error(ctx, 413, "too_large", "error_too_large")),
        UploadError::Conflict(at) => Ok(error(ctx, 409, "conflict", "upload_error_offset")
            .with_unique_header("Upload-Offset", at.to_string())),
        UploadError::Busy => Ok(error(ctx, 423, "locked", "upload_error_busy")),
        UploadError::Interrupted => Ok(error(ctx, 400, "interrupted", "upload_error_interrupted")),
        UploadError::Io(e) => Err(AppError::Internal(format!("upload: {e}"))),
        UploadError::Store(e) => Err(e.into()),
    }
}

/// The OpenAPI entries of the tus routes.
pub fn describe(doc: &mut Value) {
    let err = || json!({"$ref": "#/components/responses/Error"});
    let hdr = |name: &str, desc: &str| json!({"name": name, "in": "header", "required": true, "description": desc, "schema": {"type": "string"}});
    let version = hdr("Tus-Resumable", "1.0.0");
    let upload = json!({"name": "upload", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}});
    let space = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}});
    let options = json!({"summary": "tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size ([documents] max_upload_mib)",
        "security": [], "responses": {"204": {"description": "the server's tus configuration"}}});
    let mut options_space = options.clone();
    options_space["parameters"] = json!([space]);
    let mut options_upload = options;
    options_upload["parameters"] = json!([upload]);
    doc["paths"]["/spaces/{id}/uploads"] = json!({
        "options": options_space,
        "post": {
            "summary": "Announce a resumable upload (tus creation); a member who may upload. Upload-Metadata: filename (required), folder and request (ids), base64. With Content-Type: application/offset+octet-stream, the body is the first bytes (creation-with-upload); Upload-Offset says what was kept",
            "parameters": [space, version, hdr("Upload-Length", "size of the whole file in bytes"),
                hdr("Upload-Metadata", "filename BASE64[,folder BASE64][,request BASE64]")],
            "responses": {"201": {"description": "created; Location: /api/v1/uploads/{upload}, Upload-Expires"},
                "400": err(), "401": err(), "404": err(), "412": err(), "413": err()},
        },
    });
    doc["paths"]["/uploads/{upload}"] = json!({
        "options": options_upload,
        "head": {
            "summary": "Where the caller's upload stands: Upload-Offset, Upload-Length, Upload-Expires. Once finished, and for upload_expiry_secs after its last byte (in memory: a restart forgets it), Upload-Offset = Upload-Length and Huis-Clos-Document, Huis-Clos-Sha256",
            "parameters": [upload, version],
            "responses": {"200": {"description": "no body"}, "401": err(), "404": err(), "412": err()},
        },
        "patch": {
            "summary": "Append bytes at Upload-Offset. The response to the last byte carries Huis-Clos-Document (the document id) and Huis-Clos-Sha256. More bytes than the upload has left: 413, nothing kept. Also as POST with X-HTTP-Method-Override: PATCH (and DELETE)",
            "parameters": [upload, version, hdr("Upload-Offset", "where these bytes go; must be the upload's offset")],
            "requestBody": {"required": true, "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"204": {"description": "stored; Upload-Offset is the new offset"},
                "400": err(), "401": err(), "404": err(), "409": err(), "412": err(), "413": err(), "415": err(), "423": err()},
        },
        "delete": {
            "summary": "Terminate the caller's upload (tus termination)",
            "parameters": [upload, version],
            "responses": {"204": {"description": "removed"}, "401": err(), "404": err(), "412": err()},
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_dates() {
        let m = metadata("filename cmFwcG9ydC5wZGY=, folder YWJj,flag").unwrap();
        assert_eq!(m["filename"], b"rapport.pdf");
        assert_eq!(m["folder"], b"abc");
        assert!(m["flag"].is_empty());
        assert!(metadata("filename !!!").is_none());
        assert!(metadata("a YQ==,a YQ==").is_none());
        assert_eq!(http_date(1_403_712_000), "Wed, 25 Jun 2014 16:00:00 GMT");
    }
}
