//! The OpenAPI description of the document listing and the search, merged into
//! [`crate::web::api::openapi::document`].

use serde_json::{Value, json};

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

/// Adds `GET /spaces/{id}/documents` (beside the upload's POST) and `GET /search`.
pub fn describe(doc: &mut Value) {
    let document = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "folder": {"type": "string"}, "name": {"type": "string"},
        "size": {"type": "integer"}, "sha256": {"type": "string"}, "versions": {"type": "integer"},
        "uploaded_at": {"type": "string", "format": "date-time"}, "deposit": {"type": "boolean"}}});
    let folder = json!({"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}});
    doc["paths"]["/spaces/{id}/documents"]["get"] = json!({
        "summary": "The folders and the documents the caller may see (not the trash)",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "success", "content": {"application/json": {"schema": {
            "type": "object", "properties": {
                "folders": {"type": "array", "items": folder},
                "documents": {"type": "array", "items": document}}}}}},
            "401": error_ref(), "404": error_ref()},
    });
    let found = json!({"type": "object", "properties": {
        "space": {"type": "string"}, "space_title": {"type": "string"},
        "kind": {"type": "string", "enum": ["space", "document", "message"]},
        "link": {"type": "string"}, "text": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}});
    doc["paths"]["/search"] = json!({"get": {
        "summary": "Spaces, file names and messages matching every word (word starts, no accents needed), in the caller's spaces",
        "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string", "maxLength": 200}}],
        "responses": {"200": {"description": "at most 50 results", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"results": {"type": "array", "items": found}}}}}},
            "401": error_ref()},
    }});
}
