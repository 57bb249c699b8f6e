//! The OpenAPI 3.1 document of `/api/v1`. A test checks that every API route of the router is
//! described here, with its method, so the document cannot fall behind the code.

pub mod spaces;

pub mod app_passwords;

pub mod agenda;
pub mod arbitration;
pub mod dataroom;
pub mod files;
pub mod http;
pub mod library;
pub mod mediation;
pub mod requests;
pub mod secure_mail;

use serde_json::{Value, json};

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn op(summary: &str, body: Option<Value>, ok: (&str, Value)) -> Value {
    let mut o = json!({
        "summary": summary,
        "responses": {
            ok.0: {"description": "success", "content": {"application/json": {"schema": ok.1}}},
            "401": error_ref(), "404": error_ref(), "400": error_ref(),
        },
    });
    if let Some(schema) = body {
        o["requestBody"] =
            json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    o
}

fn space_id() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}])
}

/// The document.
pub fn document() -> Value {
    let space = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "template": {"type": "string"},
        "profile": {"type": "string", "enum": ["gestionnaire", "contributeur", "lecteur", "deposant"]},
        "firm_name": {"type": "string"}, "archived": {"type": "boolean"}}});
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Huis Clos API", "version": crate::VERSION,
                 "description": "Authenticate with `Authorization: Bearer TOKEN`: a token from POST /api/v1/session, or a personal token made in the UI (My account). Errors are {\"error\": CODE, \"message\": TEXT}; unknown and forbidden ids alike are 404."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}},
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Error"}}}}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/session": {
                "post": op("Sign in; returns a bearer token", Some(json!({"type": "object", "required": ["email", "password"],
                    "properties": {"email": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": "string"}}})),
                    ("200", json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}))),
                "delete": {"summary": "End the session of the bearer token", "description": "With a session token, ends that session. With a personal token (hcpat_…), revokes that token: it stops working at once.", "responses": {"204": {"description": "ended"}, "401": error_ref()}},
            },
            "/me": {"get": op("The signed-in account", None, ("200", json!({"type": "object", "properties": {
                "id": {"type": "string"}, "email": {"type": "string"}, "name": {"type": "string"},
                "firm": {"type": ["object", "null"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}}})))},
            "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1",
                "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "info", "paths"]}}}}}}},
            "/spaces": {
                "get": op("The caller's spaces", None, ("200", json!({"type": "object", "properties": {"spaces": {"type": "array", "items": space}}}))),
                "post": op("Create a space (staff)", Some(json!({"type": "object", "required": ["title", "template"],
                    "properties": {"title": {"type": "string"}, "template": {"type": "string",
                    "enum": crate::domain::spaces::templates::TEMPLATES.iter().map(|t| t.id).collect::<Vec<_>>()}}})),
                    ("201", json!({"type": "object", "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "template": {"type": "string"}}}))),
            },
            "/spaces/{id}/documents": {
                "post": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "name", "in": "query", "required": true, "schema": {"type": "string"}},
                        {"name": "folder", "in": "query", "required": false, "schema": {"type": "string"}},
                        {"name": "request", "in": "query", "required": false, "schema": {"type": "string"}, "description": "a request of the space this file answers (links it; the first file makes it received)"},
                    ],
                    "summary": "Upload a file (raw body, streamed); the same name in the same folder adds a version",
                    "requestBody": {"required": true, "content": crate::web::api::openapi::files::raw("application/octet-stream")},
                    "responses": {"201": {"description": "stored", "content": {"application/json": {"schema": {"type": "object", "properties": {
                        "id": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"}}}}}},
                        "400": error_ref(), "401": error_ref(), "404": error_ref(), "413": error_ref()},
                },
            },
            "/documents/{id}/content": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "version", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}},
                        {"name": "inline", "in": "query", "required": false, "schema": {"type": "string", "enum": ["1"]}},
                    ],
                    "summary": "The file's bytes, with Content-Length; leaves a receipt",
                    "responses": {"200": {"description": "the file: application/octet-stream, or with inline=1 its own type (PDF, images)", "content": any_file()},
                        "401": error_ref(), "404": error_ref()},
                },
            },
            "/spaces/{id}/members": {
                "post": {
                    "parameters": space_id(),
                    "summary": "Invite an address into the space with a profile (Gestionnaire)",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "profile"],
                        "properties": {"email": {"type": "string"}, "profile": {"type": "string", "enum": ["gestionnaire", "contributeur", "lecteur", "deposant"]}}}}}},
                    "responses": {"201": {"description": "invited"}, "401": error_ref(), "404": error_ref(), "400": error_ref()},
                },
            },
        },
    });
    doc["paths"]["/spaces/{id}/messages"] = messages();
    doc["paths"]["/spaces/{id}/requests"] = crate::web::api::openapi::requests::path();
    doc["paths"]["/spaces/{id}/events"] = crate::web::api::openapi::agenda::path_item();
    crate::web::api::documents::upload_tus::describe(&mut doc);
    crate::web::api::openapi::arbitration::describe(&mut doc);
    crate::web::api::openapi::mediation::describe(&mut doc);
    crate::web::api::openapi::dataroom::describe(&mut doc);
    crate::web::api::openapi::library::describe(&mut doc);
    crate::web::api::openapi::secure_mail::describe(&mut doc);
    crate::web::api::server_show::describe(&mut doc);
    crate::web::api::openapi::files::describe(&mut doc);
    crate::web::api::openapi::app_passwords::describe(&mut doc);
    crate::web::api::openapi::spaces::describe(&mut doc);
    doc["paths"]["/session"]["post"]["responses"]["429"] =
        json!({"$ref": "#/components/responses/Throttled"});
    // Last: it completes what every module above described.
    crate::web::api::openapi::http::complete(&mut doc);
    doc
}

/// A download whose type is the file's own when shown inline.
fn any_file() -> Value {
    let mut c = crate::web::api::openapi::files::raw("application/octet-stream");
    c["*/*"] = crate::web::api::openapi::files::raw("*/*")["*/*"].clone();
    c
}

/// The conversation of a space.
fn messages() -> Value {
    let message = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "author": {"type": "string"}, "mine": {"type": "boolean"},
        "at": {"type": "string", "format": "date-time"}, "body": {"type": "string"},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}}}},
        "new": {"type": "boolean", "description": "not yet seen by the caller"},
        "read_by": {"type": "array", "items": {"type": "string"},
            "description": "Gestionnaires only: the other members who have read it"}}});
    let mut get = op(
        "The space's messages, oldest first (any member)",
        None,
        (
            "200",
            json!({"type": "object", "properties": {"messages": {"type": "array", "items": message}}}),
        ),
    );
    get["parameters"] = space_id();
    let mut post = op(
        "Post a message (Gestionnaire or Contributeur); plain text, immutable",
        Some(
            json!({"type": "object", "required": ["body"], "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": crate::domain::messages::MAX_CHARS},
            "attachments": {"type": "array", "items": {"type": "string"},
                "description": "ids of documents of the space the author may see"}}}),
        ),
        (
            "201",
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        ),
    );
    post["parameters"] = space_id();
    json!({"get": get, "post": post})
}

#[cfg(test)]
mod tests {
    use crate::web::api::openapi::files::BEARER_ROUTES;
    use crate::web::routes::{Access, ROUTES};

    /// The GET routes outside `/api/v1` that take a bearer token (every signed-in route does,
    /// see `Ctx::new`) but answer an HTML page, or an asset of one: not for scripts. A new
    /// signed-in GET route must be added here or to `BEARER_ROUTES` (and described).
    const PAGES: &[&str] = &[
        "/",
        "/search",
        "/spaces/{id}",
        "/spaces/{id}/requests",
        "/spaces/{id}/agenda",
        "/spaces/{id}/events/{event}",
        "/spaces/{id}/settings",
        "/spaces/{id}/journal",
        "/spaces/{id}/documents/{doc}",
        "/spaces/{id}/trash",
        "/spaces/{id}/exhibits",
        "/spaces/{id}/communications/{communication}",
        "/spaces/{id}/asides",
        "/spaces/{id}/asides/{aside}",
        "/spaces/{id}/copy",
        "/spaces/{id}/undertaking",
        "/spaces/{id}/questions",
        "/spaces/{id}/documents/{doc}/view",
        "/account",
        "/account/totp",
        "/admin/staff",
        "/admin/journal",
        "/admin/settings",
        "/firms/{id}/logo",
        "/firms/{id}/theme.css",
        "/admin/mail",
        "/mail",
        "/mail/new",
        "/mail/{id}",
        "/depot",
        "/operator",
        "/operator/server",
        // Files too, but of secure mail and the drop box, whose API is not published yet.
        "/mail/{id}/files/{file}",
        "/depot/{id}/files/{n}",
    ];

    #[test]
    fn every_bearer_file_route_is_described() {
        let doc = super::document();
        for p in BEARER_ROUTES {
            assert!(
                ROUTES.iter().any(|r| r.method == "GET" && r.pattern == *p),
                "{p} is not a GET route of the route table"
            );
            assert!(doc["paths"][p]["get"].is_object(), "{p} is not described");
            assert_eq!(
                doc["paths"][p]["servers"][0]["url"], "/",
                "{p}: wrong server"
            );
        }
        let signed_in = ROUTES.iter().filter(|r| {
            r.method == "GET"
                && !r.pattern.starts_with("/api/v1/")
                && matches!(
                    r.access,
                    Access::SignedIn | Access::FirmAdmin | Access::Operator
                )
        });
        for r in signed_in {
            assert!(
                BEARER_ROUTES.contains(&r.pattern) || PAGES.contains(&r.pattern),
                "GET {} takes a bearer token: describe it in files_openapi or list it as a page",
                r.pattern
            );
        }
    }

    /// 3.1 validators read `type: string, format: binary` as text; raw bodies name their
    /// media type instead.
    #[test]
    fn no_body_is_in_the_30_binary_style() {
        let text = super::document().to_string();
        assert!(
            !text.contains("\"format\":\"binary\""),
            "3.0-style binary schema left"
        );
        assert!(text.contains("\"contentMediaType\":\"application/pdf\""));
    }

    #[test]
    fn nullable_fields_say_so() {
        let doc = super::document();
        let q = &doc["paths"]["/spaces/{id}/questions"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["properties"]["questions"]["items"]["properties"];
        assert_eq!(
            q["published_at"]["type"],
            serde_json::json!(["string", "null"])
        );
        let tus = &doc["paths"]["/uploads/{upload}"]["patch"]["responses"]["204"]["headers"];
        assert_eq!(tus["Upload-Offset"]["required"], true);
        assert!(tus["Huis-Clos-Document"].is_object());
        let session = &doc["paths"]["/session"]["post"]["responses"]["429"]["$ref"];
        assert_eq!(session, "#/components/responses/Throttled");
    }

    #[test]
    fn the_raw_exhibit_upload_declares_its_query_parameters() {
        let doc = super::document();
        let params = doc["paths"]["/spaces/{id}/exhibits"]["post"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for name in ["name", "title", "date", "after"] {
            assert!(
                params
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "query"),
                "{name} is not a declared query parameter"
            );
        }
    }

    #[test]
    fn every_api_route_is_described() {
        let doc = super::document();
        let mut missing = Vec::new();
        for r in ROUTES.iter().filter(|r| r.pattern.starts_with("/api/v1/")) {
            let path = r.pattern.trim_start_matches("/api/v1");
            let method = r.method.to_lowercase();
            if doc["paths"][path][&method].is_null() {
                missing.push(format!("{} {}", r.method, r.pattern));
            }
        }
        assert!(
            missing.is_empty(),
            "routes missing from openapi.json: {missing:?}"
        );
        let described: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| {
                p.as_object()
                    .unwrap()
                    .keys()
                    .filter(|k| *k != "servers")
                    .count()
            })
            .sum();
        let routed = ROUTES
            .iter()
            .filter(|r| r.pattern.starts_with("/api/v1/"))
            .count()
            + BEARER_ROUTES.len();
        assert_eq!(
            described, routed,
            "openapi.json describes routes the router does not have"
        );
    }
}
