//! The last pass over the OpenAPI document: what HTTP says beside the bodies. It declares the
//! response headers that clients act on (tus's `Upload-Offset`, `Location`, the document id of
//! a finished upload, `Retry-After` of a 429), the 413 that every JSON body may get (the API
//! reads at most 64 KiB of JSON), and writes raw bodies in the OpenAPI 3.1 style.
//!
//! It runs after every module has added its paths, so that a part written elsewhere (the tus
//! routes live with their handlers) is held to the same rules: a 3.0-style binary schema
//! (`type: string, format: binary`), which 3.1 validators read as a string of text, becomes
//! `contentMediaType`, and a test checks that none is left.

use serde_json::{Map, Value, json};

use crate::web::api::documents::upload_tus::{DOCUMENT_HEADER, SHA256_HEADER};

fn header(description: &str, schema: Value) -> Value {
    json!({"description": description, "schema": schema})
}

fn int() -> Value {
    json!({"type": "integer", "minimum": 0})
}

/// `components/headers`, referred to by name.
fn components() -> Value {
    let text = json!({"type": "string"});
    let mut h = Map::new();
    let mut add = |name: &str, description: &str, schema: Value| {
        h.insert(name.to_owned(), header(description, schema));
    };
    add(
        "Content-Disposition",
        "attachment (or inline) with the file's name (RFC 6266, filename*)",
        text.clone(),
    );
    add(
        "X-Content-SHA256",
        "the SHA-256 of the bytes, in hex",
        json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}),
    );
    add("Retry-After", "seconds to wait before trying again", int());
    add("Location", "where the new resource is", text.clone());
    add(
        "Tus-Resumable",
        "the tus version of the answer",
        json!({"type": "string", "const": "1.0.0"}),
    );
    add(
        "Tus-Version",
        "tus versions the server speaks",
        text.clone(),
    );
    add(
        "Tus-Extension",
        "tus extensions the server supports",
        text.clone(),
    );
    add("Tus-Max-Size", "largest upload accepted, in bytes", int());
    add("Upload-Offset", "bytes received so far", int());
    add("Upload-Length", "size of the whole upload", int());
    add(
        "Upload-Expires",
        "when an unfinished upload is discarded (HTTP date)",
        text.clone(),
    );
    add(
        DOCUMENT_HEADER,
        "the id of the document the finished upload became",
        json!({"type": "string", "pattern": "^[0-9a-f]{32}$"}),
    );
    add(
        SHA256_HEADER,
        "the SHA-256 of the finished upload, in hex",
        json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}),
    );
    Value::Object(h)
}

/// `{name: $ref}` for each name, `required` or not.
fn refs(names: &[&str], required: bool) -> Map<String, Value> {
    names
        .iter()
        .map(|n| {
            let mut r = json!({"$ref": format!("#/components/headers/{n}")});
            if required {
                // A `$ref` cannot carry siblings that change it in 3.0; 3.1 allows
                // `description` and `summary` only, so a required header is spelled out.
                r = json!({"required": true, "schema": components()[*n]["schema"].clone(),
                    "description": components()[*n]["description"].clone()});
            }
            ((*n).to_owned(), r)
        })
        .collect()
}

/// Sets the headers of the `status` answer of `method path`, if that answer is described.
fn set(doc: &mut Value, path: &str, method: &str, status: &str, must: &[&str], may: &[&str]) {
    let answer = &mut doc["paths"][path][method]["responses"][status];
    if !answer.is_object() || answer.get("$ref").is_some() {
        return;
    }
    let mut h = refs(must, true);
    h.extend(refs(may, false));
    answer["headers"] = Value::Object(h);
}

/// Applies the pass to `doc`.
pub fn complete(doc: &mut Value) {
    doc["components"]["headers"] = components();
    doc["components"]["responses"]["TooLarge"] = json!({
        "description": "the body is larger than allowed (JSON: 64 KiB; files: the firm's upload limit)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    doc["components"]["responses"]["Throttled"] = json!({
        "description": "too many attempts: come back after Retry-After seconds",
        "headers": refs(&["Retry-After"], true),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let tus = ["Tus-Resumable", "Upload-Offset"];
    set(
        doc,
        "/spaces/{id}/uploads",
        "post",
        "201",
        &["Location", tus[0], tus[1]],
        &["Upload-Expires"],
    );
    set(
        doc,
        "/uploads/{upload}",
        "head",
        "200",
        &[tus[0], tus[1], "Upload-Length"],
        &["Upload-Expires", DOCUMENT_HEADER, SHA256_HEADER],
    );
    set(
        doc,
        "/uploads/{upload}",
        "patch",
        "204",
        &tus,
        &["Upload-Expires", DOCUMENT_HEADER, SHA256_HEADER],
    );
    set(doc, "/uploads/{upload}", "delete", "204", &[tus[0]], &[]);
    for p in ["/spaces/{id}/uploads", "/uploads/{upload}"] {
        set(
            doc,
            p,
            "options",
            "204",
            &["Tus-Version", "Tus-Extension", "Tus-Max-Size"],
            &[],
        );
    }
    if let Some(created) =
        doc["paths"]["/spaces/{id}/uploads"]["post"]["responses"]["201"].as_object_mut()
    {
        created.insert("content".into(), json!({"application/json": {"schema": {"type": "object",
            "required": ["id", "location"], "properties": {"id": {"type": "string"}, "location": {"type": "string"}}}}}));
    }
    set(
        doc,
        "/documents/{id}/content",
        "get",
        "200",
        &["Content-Disposition", "X-Content-SHA256"],
        &[],
    );
    let conflict = &mut doc["paths"]["/uploads/{upload}"]["patch"]["responses"]["409"];
    if conflict.is_object() {
        *conflict = json!({"description": "Upload-Offset is not where the upload stands (given in Upload-Offset)",
            "headers": refs(&["Upload-Offset"], true),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            for (method, op) in item.as_object_mut().into_iter().flatten() {
                if method == "servers" || method == "parameters" {
                    continue;
                }
                let json_body = !op["requestBody"]["content"]["application/json"].is_null();
                if json_body && op["responses"]["413"].is_null() {
                    op["responses"]["413"] = json!({"$ref": "#/components/responses/TooLarge"});
                }
            }
        }
    }
    binary_bodies(doc);
}

/// Rewrites every 3.0-style binary schema of a `content` map to the 3.1 style.
fn binary_bodies(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(content)) = m.get_mut("content") {
                for (media, body) in content.iter_mut() {
                    if body["schema"]["format"] == "binary" {
                        body["schema"] = json!({"contentMediaType": media});
                    }
                }
            }
            m.values_mut().for_each(binary_bodies);
        }
        Value::Array(a) => a.iter_mut().for_each(binary_bodies),
        _ => {}
    }
}
