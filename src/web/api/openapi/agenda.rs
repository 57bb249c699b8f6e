//! The OpenAPI description of the agenda routes (`/spaces/{id}/events`), merged into
//! [`crate::web::api::openapi::document`].

use serde_json::{Value, json};

use crate::domain::agenda;

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn space_id() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}])
}

/// The path item of `/spaces/{id}/events`.
pub fn path_item() -> Value {
    let local = json!({"type": "object", "description": "the firm's local time (Europe/Paris, Europe/Brussels)",
        "properties": {"iso": {"type": "string", "format": "date-time"}, "date": {"type": "string"},
        "time": {"type": "string"}, "offset": {"type": "string"}}});
    let event = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string"},
        "start_utc": {"type": "string", "format": "date-time"}, "end_utc": {"type": "string", "format": "date-time"},
        "start": local, "end": local, "same_day": {"type": "boolean"},
        "place": {"type": "string"}, "video": {"type": "string"}, "note": {"type": "string"},
        "past": {"type": "boolean"}}});
    let errors = json!({"400": error_ref(), "401": error_ref(), "404": error_ref()});
    let mut get_responses = errors.clone();
    get_responses["200"] = json!({"description": "success", "content": {"application/json": {"schema":
        {"type": "object", "properties": {"events": {"type": "array", "items": event}}}}}});
    let mut post_responses = errors;
    post_responses["201"] = json!({"description": "created", "content": {"application/json": {"schema":
        {"type": "object", "properties": {"id": {"type": "string"}}}}}});
    json!({
        "get": {
            "summary": "The space's events by start (any member; 404 without the agenda module)",
            "parameters": space_id(),
            "responses": get_responses,
        },
        "post": {
            "summary": "Add an event (Gestionnaire or Contributeur)",
            "parameters": space_id(),
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["title", "start", "end"],
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": agenda::MAX_TITLE},
                    "start": {"type": "string", "format": "date-time", "description": "RFC 3339 with an offset"},
                    "end": {"type": "string", "format": "date-time", "description": "after start, within a year"},
                    "place": {"type": "string", "maxLength": agenda::MAX_PLACE},
                    "note": {"type": "string", "maxLength": agenda::MAX_NOTE},
                    "video": {"type": "string", "maxLength": agenda::MAX_URL, "pattern": "^https://"}}}}}},
            "responses": post_responses,
        },
    })
}
