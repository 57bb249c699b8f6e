//! The OpenAPI entries of the secure mail drafts (`mail_draft_*`).

use serde_json::{Value, json};

pub fn describe(doc: &mut Value) {
    let err = || json!({"$ref": "#/components/responses/Error"});
    let draft = json!({"name": "draft", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}});
    let name = json!({"name": "name", "in": "query", "required": true, "description": "the file's name", "schema": {"type": "string"}});
    doc["paths"]["/mail/drafts"] = json!({
        "post": {
            "summary": "Start a secure mail draft (staff), to stream files into before sending it from /mail/new. A draft never sent is discarded after a day",
            "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object",
                "properties": {"id": {"type": "string"}, "files": {"type": "string", "description": "where to POST its files"}}}}}},
                "401": err(), "404": err()},
        },
    });
    doc["paths"]["/mail/drafts/{draft}/files"] = json!({
        "post": {
            "summary": "Stream a file into the caller's draft (raw body), encrypted under the mail's own key",
            "parameters": [draft, name],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"201": {"description": "stored", "content": {"application/json": {"schema": {"type": "object",
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"}, "sha256": {"type": "string"}}}}}},
                "400": err(), "401": err(), "404": err(), "413": err()},
        },
    });
}
