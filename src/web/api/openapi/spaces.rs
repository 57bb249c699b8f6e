//! The OpenAPI description of the paginated list of spaces, merged into
//! [`crate::web::api::openapi::document`] over the list's first, unpaginated description.

use serde_json::{Value, json};

use crate::domain::spaces::pages::{API_DEFAULT, API_MAX};

/// Replaces `GET /spaces` with its paginated form (`limit`, `cursor`, `next`).
pub fn describe(doc: &mut Value) {
    let space =
        doc["paths"]["/spaces"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["properties"]["spaces"]["items"]
            .clone();
    doc["paths"]["/spaces"]["get"] = json!({
        "summary": "The caller's spaces, a page at a time in a stable order: pass `next` back as `cursor` for the following page (spaces added meanwhile never make a page repeat or skip one listed before)",
        "parameters": [
            {"name": "limit", "in": "query", "required": false, "description": "spaces per page",
             "schema": {"type": "integer", "minimum": 1, "maximum": API_MAX, "default": API_DEFAULT}},
            {"name": "cursor", "in": "query", "required": false, "description": "the `next` of the previous page, as given",
             "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
            "type": "object", "required": ["spaces", "next"], "properties": {
                "spaces": {"type": "array", "items": space},
                "next": {"type": ["string", "null"], "description": "the cursor of the next page; null on the last"}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}},
    });
}
