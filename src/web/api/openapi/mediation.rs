//! The OpenAPI description of the asides of a space (inserted by [`crate::web::api::openapi`]).

use serde_json::{Value, json};

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn params(aside: bool) -> Value {
    let id = json!({"type": "string", "pattern": "^[0-9a-f]{32}$"});
    let mut p = vec![json!({"name": "id", "in": "path", "required": true, "schema": id})];
    if aside {
        p.push(
            json!({"name": "aside", "in": "path", "required": true, "schema": id,
            "description": "an aside the caller sees; any other id, existing or not, is a 404"}),
        );
    }
    Value::Array(p)
}

fn ok(status: &str, schema: Value) -> Value {
    json!({status: {"description": "success", "content": {"application/json": {"schema": schema}}},
        "400": error_ref(), "401": error_ref(), "403": error_ref(), "404": error_ref()})
}

/// Adds the paths of asides to `doc`.
pub fn describe(doc: &mut Value) {
    let names = json!({"type": "array", "items": {"type": "string"}});
    let aside = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "members": names,
        "mediators": names, "unread": {"type": "integer"}}});
    let message = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "author": {"type": "string"}, "mine": {"type": "boolean"},
        "at": {"type": "string", "format": "date-time"}, "body": {"type": "string"},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}}}},
        "new": {"type": "boolean"}}});
    let document = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"},
        "sha256": {"type": "string"}, "versions": {"type": "integer"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "content": {"type": "string", "description": "the path of its bytes (session cookie)"}}});
    let id_only = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    doc["paths"]["/spaces/{id}/asides"] = json!({
        "get": {"parameters": params(false),
            "summary": "The asides of the space the caller sees (members; in a mediation the Gestionnaires see them all; in a collaborative process only their members)",
            "responses": ok("200", json!({"type": "object", "properties": {
                "asides": {"type": "array", "items": aside}, "mediated": {"type": "boolean"}}}))},
        "post": {"parameters": params(false),
            "summary": "Open an aside (Gestionnaire) with members of the space",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 80},
                    "members": {"type": "array", "items": {"type": "string"}, "description": "account ids of members of the space"}}}}}},
            "responses": ok("201", id_only.clone())},
    });
    doc["paths"]["/spaces/{id}/asides/{aside}/messages"] = json!({
        "get": {"parameters": params(true), "summary": "The aside's messages, oldest first",
            "responses": ok("200", json!({"type": "object", "properties": {
                "messages": {"type": "array", "items": message}}}))},
        "post": {"parameters": params(true),
            "summary": "Post in the aside (Gestionnaire or Contributeur who sees it)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["body"], "properties": {
                    "body": {"type": "string", "minLength": 1, "maxLength": crate::domain::messages::MAX_CHARS},
                    "attachments": {"type": "array", "items": {"type": "string"}, "description": "ids of the aside's documents"}}}}}},
            "responses": ok("201", id_only.clone())},
    });
    let mut upload_params = params(true);
    if let Some(a) = upload_params.as_array_mut() {
        a.push(
            json!({"name": "name", "in": "query", "required": true, "schema": {"type": "string"}}),
        );
    }
    doc["paths"]["/spaces/{id}/asides/{aside}/documents"] = json!({
        "get": {"parameters": params(true), "summary": "The aside's documents",
            "responses": ok("200", json!({"type": "object", "properties": {
                "documents": {"type": "array", "items": document}}}))},
        "post": {"parameters": upload_params,
            "summary": "Upload a file into the aside (raw body, streamed, encrypted under the aside's key)",
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": ok("201", json!({"type": "object", "properties": {
                "id": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"}}}))},
    });
}
