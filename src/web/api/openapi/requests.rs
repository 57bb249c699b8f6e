//! The OpenAPI description of `/spaces/{id}/requests` (inserted by [`crate::web::api::openapi`]).

use serde_json::{Value, json};

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn space_id() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}])
}

/// The path item: list (any member, his own view) and create (Gestionnaire).
pub fn path() -> Value {
    let status = json!({"type": "string", "enum": ["waiting", "received", "accepted", "refused"]});
    let files = json!({"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}}}});
    let request = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "note": {"type": "string"},
        "due": {"type": ["string", "null"], "format": "date"},
        "overdue": {"type": "boolean"}, "first": {"type": "boolean"}, "last": {"type": "boolean"},
        "status": status, "reason": {"type": "string", "description": "why it was refused"},
        "files": files,
        "cells": {"type": "array", "description": "Gestionnaires of a space with depositors: one per entry of `parties`",
            "items": {"type": "object", "properties": {"party": {"type": "string"}, "status": status,
                "reason": {"type": "string"}, "files": files}}}}});
    let list = json!({"type": "object", "properties": {
        "requests": {"type": "array", "items": request},
        "parties": {"type": "array", "description": "Gestionnaires of a space with depositors: the table's columns (`id` empty for the shared track)",
            "items": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}},
        "progress": {"type": "object", "properties": {"received": {"type": "integer"}, "total": {"type": "integer"}}}}});
    json!({
        "get": {
            "parameters": space_id(),
            "summary": "The space's requests as the caller sees them: a Déposant gets only his own statuses and files",
            "responses": {"200": {"description": "success", "content": {"application/json": {"schema": list}}},
                "401": error_ref(), "404": error_ref()},
        },
        "post": {
            "parameters": space_id(),
            "summary": "Ask the client for a document (Gestionnaire); upload against it with POST /spaces/{id}/documents?request=ID",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["title"],
                "properties": {"title": {"type": "string", "maxLength": 200},
                    "due": {"type": "string", "format": "date", "description": "YYYY-MM-DD"},
                    "note": {"type": "string", "maxLength": crate::domain::requests::MAX_NOTE}}}}}},
            "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object",
                "properties": {"id": {"type": "string"}}}}}},
                "400": error_ref(), "401": error_ref(), "404": error_ref()},
        },
    })
}
