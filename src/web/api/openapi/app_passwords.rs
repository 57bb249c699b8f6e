//! The OpenAPI entries of the app passwords of the SMTP submission gateway.

use serde_json::{Value, json};

pub fn describe(doc: &mut Value) {
    let err = || json!({"$ref": "#/components/responses/Error"});
    let line = json!({"type": "object", "required": ["id", "label", "created_at", "last_used_at"], "properties": {
        "id": {"type": "string"}, "label": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_used_at": {"type": ["string", "null"], "format": "date-time"}}});
    doc["paths"]["/me/app-passwords"] = json!({
        "get": {
            "summary": "The caller's app passwords for the SMTP submission gateway (staff), without the secrets",
            "responses": {"200": {"description": "the list", "content": {"application/json": {"schema": {"type": "object",
                "required": ["app_passwords"], "properties": {"app_passwords": {"type": "array", "items": line}}}}}},
                "401": err(), "404": err()},
        },
        "post": {
            "summary": "Make an app password for a mail client (staff); the password is returned this once and never again",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["label"],
                "properties": {"label": {"type": "string", "maxLength": 80}}}}}},
            "responses": {"201": {"description": "made", "content": {"application/json": {"schema": {"type": "object",
                "required": ["id", "password"], "properties": {"id": {"type": "string"}, "password": {"type": "string"}}}}}},
                "400": err(), "401": err(), "404": err()},
        },
    });
    doc["paths"]["/me/app-passwords/{id}"] = json!({
        "delete": {
            "summary": "Revoke one of the caller's app passwords (staff)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "revoked"}, "401": err(), "404": err()},
        },
    });
}
