//! The OpenAPI description of the exhibits routes (inserted by [`crate::web::api::openapi`]).

use serde_json::{Value, json};

fn error_ref() -> Value {
    json!({"$ref": "#/components/responses/Error"})
}

fn params(communication: bool) -> Value {
    let hex = json!({"type": "string", "pattern": "^[0-9a-f]{32}$"});
    let mut p = vec![json!({"name": "id", "in": "path", "required": true, "schema": hex})];
    if communication {
        p.push(json!({"name": "communication", "in": "path", "required": true, "schema": hex}));
    }
    Value::Array(p)
}

fn responses(code: &str, schema: Value) -> Value {
    json!({code: {"description": "success", "content": {"application/json": {"schema": schema}}},
        "400": error_ref(), "401": error_ref(), "404": error_ref()})
}

/// Adds the paths of the case, its exhibits and its communications to `doc`.
pub fn describe(doc: &mut Value) {
    let obj = json!({"type": "object"});
    let exhibit = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "label": {"type": "string", "description": "12, 12 bis, D-12"},
        "number": {"type": "string"}, "title": {"type": "string"},
        "date": {"type": ["string", "null"], "format": "date"}, "file_name": {"type": "string"},
        "size": {"type": "integer"}, "sha256": {"type": "string"},
        "communicated": {"type": "boolean"}, "editable": {"type": "boolean"}}});
    let case = json!({"type": "object", "properties": {
        "court": {"type": "string"}, "number": {"type": "string"},
        "mine": {"type": ["integer", "null"], "description": "the party the caller acts for"},
        "parties": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"},
            "lawyer": {"type": "string"}, "prefix": {"type": "string"}, "mine": {"type": "boolean"},
            "exhibits": {"type": "array", "items": exhibit}}}},
        "communications": {"type": "array", "items": obj}}});
    let communication = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "party": {"type": "string"}, "by": {"type": "string"},
        "bordereau_sha256": {"type": "string"}, "items": {"type": "array", "items": obj},
        "recipients": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "party": {"type": ["integer", "null"]},
            "acknowledged": {"type": "boolean"}, "by": {"type": "string"}}}},
        "missing": {"type": "integer"}, "can_acknowledge": {"type": "boolean"}}});
    let add = json!({"type": "object", "required": ["document", "title"], "properties": {
        "document": {"type": "string"}, "version": {"type": "integer"},
        "title": {"type": "string", "maxLength": 300},
        "date": {"type": "string", "format": "date"},
        "after": {"type": "string", "description": "end (default), start, or a number: 12, 12 bis"}}});
    // The raw-file form takes its fields as query parameters; OpenAPI cannot make them
    // depend on the body's type, so they are optional here and the descriptions say when.
    let mut parameters = params(false);
    if let Some(list) = parameters.as_array_mut() {
        for (name, what, schema) in [
            (
                "name",
                "File name of the exhibit; required with a raw-file body",
                json!({"type": "string", "maxLength": 255}),
            ),
            (
                "title",
                "Title of the exhibit in the bordereau; required with a raw-file body",
                json!({"type": "string", "maxLength": 300}),
            ),
            (
                "date",
                "Date of the document (YYYY-MM-DD), with a raw-file body",
                json!({"type": "string", "format": "date"}),
            ),
            (
                "after",
                "Where the number goes, with a raw-file body: end (default), start, or after a number (12, 12 bis)",
                json!({"type": "string"}),
            ),
        ] {
            list.push(json!({"name": name, "in": "query", "required": false, "description": what, "schema": schema}));
        }
    }
    let mut post = json!({
        "parameters": parameters,
        "summary": "Add an exhibit to the caller's party, from a document (JSON) or from the raw file as the body (with the query parameters name, title, date, after)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": add},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": responses("201", json!({"type": "object", "properties": {
            "id": {"type": "string"}, "number": {"type": "string"}, "label": {"type": "string"},
            "sha256": {"type": "string"}, "size": {"type": "integer"}}})),
    });
    post["responses"]["413"] = error_ref();
    doc["paths"]["/spaces/{id}/exhibits"] = json!({
        "get": {"parameters": params(false),
            "summary": "The case: parties in procedural order with the exhibits the caller may see, and the communications",
            "responses": responses("200", case)},
        "post": post,
    });
    doc["paths"]["/spaces/{id}/case"] = json!({"post": {"parameters": params(false),
        "summary": "Set the court, the case number and the parties (Gestionnaire); `parties` is the whole list in procedural order",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {
            "court": {"type": "string"}, "number": {"type": "string"},
            "parties": {"type": "array", "items": {"type": "object", "required": ["name", "role"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "role": {"type": "string", "enum": ["demandeur", "defendeur", "intervenant", "appelant", "intime", "autre"]},
                "lawyer": {"type": "string"}, "prefix": {"type": "string", "maxLength": 6},
                "members": {"type": "array", "items": {"type": "string"}, "description": "account ids or e-mail addresses of members of the space"}}}}}}}}},
        "responses": responses("200", obj)}});
    doc["paths"]["/spaces/{id}/communications"] = json!({"post": {"parameters": params(false),
        "summary": "Communicate exhibits of the caller's party to the other parties and the tribunal; makes the bordereau",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["exhibits"], "properties": {
            "exhibits": {"type": "array", "items": {"type": "string"}},
            "stamp": {"type": "boolean", "description": "stamp each PDF's first page with its number"}}}}}},
        "responses": responses("201", communication.clone())}});
    doc["paths"]["/spaces/{id}/communications/{communication}"] = json!({"get": {
        "parameters": params(true), "summary": "A communication and its acknowledgements (any member)",
        "responses": responses("200", communication)}});
    doc["paths"]["/spaces/{id}/communications/{communication}/acknowledge"] = json!({"post": {
        "parameters": params(true),
        "summary": "Acknowledge receipt (a recipient party's member, or a Gestionnaire for the tribunal)",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["bordereau_sha256"],
            "properties": {"bordereau_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}}}},
        "responses": responses("200", json!({"type": "object", "properties": {
            "acknowledged": {"type": "boolean"}, "already": {"type": "boolean"}}}))}});
}
