//! The OpenAPI description of the routes outside `/api/v1` that a script reaches with
//! `Authorization: Bearer`: the files a space hands out (the event's `.ics`, the journal
//! exports, a communication's bordereau, items and evidence bundle, the space's evidence
//! bundle, an exhibit's and an aside document's bytes).
//!
//! Why they are here: [`crate::web::context::Ctx`] takes a bearer token on every route, and
//! these GET routes serve files rather than HTML pages, so scripts use them beside the API.
//! Their paths are the web UI's, so each path item names its own server (`/`) instead of the
//! document's `/api/v1`. Being UI routes, their errors are not JSON: a request without a valid
//! token is sent to `/login` (303), and an id the caller may not see is an HTML 404 page.
//! [`BEARER_ROUTES`] lists them; a test checks it against the route table.

use serde_json::{Value, json};

/// The non-API routes described here, as the route table spells them.
pub const BEARER_ROUTES: &[&str] = &[
    "/spaces/{id}/events/{event}/ics",
    "/spaces/{id}/journal.json",
    "/spaces/{id}/journal.csv",
    "/spaces/{id}/exhibits/{exhibit}/content",
    "/spaces/{id}/communications/{communication}/bordereau.pdf",
    "/spaces/{id}/communications/{communication}/items/{n}",
    "/spaces/{id}/communications/{communication}/bundle.zip",
    "/spaces/{id}/evidence.zip",
    "/spaces/{id}/asides/{aside}/documents/{adoc}",
];

fn path(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}})
}

/// A body of raw bytes in the 3.1 style: the media type says what it is; no `format: binary`.
pub fn raw(media: &str) -> Value {
    json!({media: {"schema": {"contentMediaType": media}}})
}

fn disposition() -> Value {
    json!({"Content-Disposition": {"$ref": "#/components/headers/Content-Disposition"}})
}

/// The answers every one of these routes may give besides its 200.
fn failures() -> Value {
    json!({
        "303": {"description": "no valid bearer token (nor session cookie): to the sign-in page",
            "headers": {"Location": {"required": true, "schema": {"type": "string"}}}},
        "404": {"description": "unknown, or not the caller's to see (an HTML page)",
            "content": raw("text/html")},
    })
}

fn get(summary: &str, params: Value, ok: Value) -> Value {
    let mut responses = failures();
    responses["200"] = ok;
    json!({"servers": [{"url": "/", "description": "the web routes, beside /api/v1"}],
        "get": {"summary": summary, "parameters": params, "responses": responses}})
}

fn file(description: &str, content: Value, sha: bool) -> Value {
    let mut headers = disposition();
    if sha {
        headers["X-Content-SHA256"] = json!({"$ref": "#/components/headers/X-Content-SHA256"});
    }
    json!({"description": description, "headers": headers, "content": content})
}

/// Adds the bearer-accepting file routes to `doc`.
pub fn describe(doc: &mut Value) {
    let p = &mut doc["paths"];
    let inline = json!({"name": "inline", "in": "query", "required": false,
        "schema": {"type": "string", "enum": ["1"]},
        "description": "1: shown in the browser (PDF, images; sandboxed) instead of downloaded"});
    let version = json!({"name": "version", "in": "query", "required": false,
        "schema": {"type": "integer", "minimum": 1}});
    p["/spaces/{id}/events/{event}/ics"] = get(
        "The event as an iCalendar file (any member; the file name holds no title)",
        json!([path("id"), path("event")]),
        file("the event", raw("text/calendar"), false),
    );
    let entry =
        json!({"type": "object", "required": ["seq", "at", "actor", "action", "prev", "hash"]});
    p["/spaces/{id}/journal.json"] = get(
        "The space's journal, signed by the box (Ed25519), verifiable offline with `huisclos journal verify` (Gestionnaire)",
        json!([path("id")]),
        file(
            "the journal",
            json!({"application/json": {"schema": {"type": "object",
                "required": ["space", "entries", "head", "public_key", "signature"],
                "properties": {"space": {"type": "string"}, "entries": {"type": "array", "items": entry},
                    "head": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "public_key": {"type": "string", "contentEncoding": "base64"},
                    "signature": {"type": "string", "contentEncoding": "base64"}}}}}),
            false,
        ),
    );
    p["/spaces/{id}/journal.csv"] = get(
        "The space's journal as CSV, one line per entry (Gestionnaire)",
        json!([path("id")]),
        file("the journal", raw("text/csv"), false),
    );
    p["/spaces/{id}/exhibits/{exhibit}/content"] = get(
        "An exhibit's bytes (those who may see it), as an attachment",
        json!([path("id"), path("exhibit")]),
        file("the exhibit", raw("application/octet-stream"), true),
    );
    let mut both = raw("application/pdf");
    both["application/octet-stream"] =
        raw("application/octet-stream")["application/octet-stream"].clone();
    p["/spaces/{id}/communications/{communication}/bordereau.pdf"] = get(
        "The bordereau (list of communicated exhibits) of a communication, as a PDF (any member)",
        json!([path("id"), path("communication"), inline]),
        file(
            "the bordereau: application/pdf with inline=1, a download otherwise",
            both,
            false,
        ),
    );
    let n = json!({"name": "n", "in": "path", "required": true,
        "schema": {"type": "integer", "minimum": 1}, "description": "the item's rank in the bordereau"});
    p["/spaces/{id}/communications/{communication}/items/{n}"] = get(
        "The n-th communicated exhibit, as communicated (stamped if it was), as an attachment",
        json!([path("id"), path("communication"), n]),
        file("the exhibit", raw("application/octet-stream"), false),
    );
    p["/spaces/{id}/communications/{communication}/bundle.zip"] = get(
        "The evidence bundle of a communication: bordereau, items, acknowledgements, a signed manifest (any member)",
        json!([path("id"), path("communication")]),
        file("a ZIP, streamed", raw("application/zip"), false),
    );
    p["/spaces/{id}/evidence.zip"] = get(
        "The evidence bundle of the whole space: its communications and the signed journal (Gestionnaire)",
        json!([path("id")]),
        file("a ZIP, streamed", raw("application/zip"), false),
    );
    p["/spaces/{id}/asides/{aside}/documents/{adoc}"] = get(
        "A document of an aside (its members); PDF and images inline with inline=1",
        json!([path("id"), path("aside"), path("adoc"), version, inline]),
        file(
            "the file: its own type when inline, application/octet-stream otherwise",
            raw("*/*"),
            true,
        ),
    );
}
