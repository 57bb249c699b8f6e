//! The OpenAPI description of the data room routes (questions and answers, watermarked
//! views), merged into [`crate::web::api::openapi::document`].

use serde_json::{Value, json};

use crate::domain::dataroom::questions::MAX_CHARS;

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn id_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}})
}

fn responses(code: &str, schema: Value) -> Value {
    let mut r = json!({"400": error_ref(), "401": error_ref(), "404": error_ref()});
    r[code] =
        json!({"description": "success", "content": {"application/json": {"schema": schema}}});
    r
}

/// Adds the data room paths to `doc`.
pub fn describe(doc: &mut Value) {
    let question = json!({"type": "object", "properties": {
        "id": {"type": "string"},
        "number": {"type": ["integer", "null"], "description": "Gestionnaires only (null for others)"},
        "text": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "answered", "published", "closed"]},
        "published": {"type": "boolean"}, "mine": {"type": "boolean"},
        "asked_at": {"type": ["string", "null"], "format": "date-time", "description": "the author and the Gestionnaires only (null for others)"},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "author": {"type": ["object", "null"], "description": "Gestionnaires only (null for others)", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"}}},
        "document": {"type": ["object", "null"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
        "answer": {"type": ["object", "null"], "properties": {"text": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}}});
    let done = json!({"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}});
    doc["paths"]["/spaces/{id}/questions"] = json!({
        "get": {
            "summary": "Questions and answers of a data room: the caller's own (a Gestionnaire: all, with their authors) and the published ones, without their authors (404 without the module)",
            "parameters": [id_param("id")],
            "responses": responses("200", json!({"type": "object", "properties": {
                "questions": {"type": "array", "items": question},
                "published": {"type": "array", "items": question}}})),
        },
        "post": {
            "summary": "Ask a question (any member); seen by the caller and the Gestionnaires only until published",
            "parameters": [id_param("id")],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": MAX_CHARS},
                "document": {"type": "string", "description": "a document of the space the caller may see"}}}}}},
            "responses": responses("201", done.clone()),
        },
    });
    doc["paths"]["/spaces/{id}/questions/{question}/answer"] = json!({
        "post": {
            "summary": "Answer a question (Gestionnaire): to its author, or published to every member with \"publish\": true; without text, publish (true) or take back (false) the answer given",
            "parameters": [id_param("id"), id_param("question")],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": MAX_CHARS},
                "publish": {"type": "boolean"}}}}}},
            "responses": responses("200", done),
        },
    });
    // The original bytes of a view-only document are refused to those it restricts.
    let content = &mut doc["paths"]["/documents/{id}/content"]["get"]["responses"];
    if content.is_object() {
        content["403"] = json!({"description": "view only for the caller: get /documents/{id}/view instead (with inline=1: a 303 there)",
            "content": {"application/json": {"schema": {"$ref": "#/components/responses/Error/content/application~1json/schema"}}}});
    }
    doc["paths"]["/documents/{id}/view"] = json!({
        "get": {
            "summary": "The PDF watermarked for the caller (name, address, date and time on every page), inline and sandboxed; what readers of a view-only document get instead of its bytes. Leaves a receipt",
            "parameters": [id_param("id"), {"name": "version", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "the watermarked PDF", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                "400": error_ref(), "401": error_ref(), "404": error_ref()},
        },
    });
}
