//! `GET /api/v1/server`: the server page's facts as JSON, for monitoring
//! ([`crate::domain::server::Status`]). Served to a client on the box itself (loopback
//! peer) without sign-in, so that a local probe needs no secret; from anywhere else only
//! with the operator's token (or session). Behind a reverse proxy every request comes from
//! the proxy's address, so there the loopback rule does not apply and a token is required.
//! Anyone else gets the 404 of an unknown route.

use std::net::IpAddr;

use rouille::{Request, Response};
use serde_json::{Value, json};

use crate::domain::server;

use crate::error::AppError;
use crate::model::time;
use crate::web::context::Ctx;
use crate::web::respond;

/// Whether the caller may read the status: the operator, or a loopback peer that is not
/// a proxy forwarding someone else's request.
pub fn may_read(peer: IpAddr, via_proxy: bool, operator: bool) -> bool {
    operator || (peer.is_loopback() && !via_proxy)
}

pub fn handle(ctx: &Ctx<'_>, req: &Request, _: &[&str]) -> Result<Response, AppError> {
    let peer = req.remote_addr().ip();
    let tls = &ctx.app.config.tls;
    let via_proxy = tls.behind_proxy && tls.trusted_proxies.contains(&peer);
    let operator = ctx.account.as_ref().is_some_and(|a| a.operator && a.active);
    if !may_read(peer, via_proxy, operator) {
        return Err(AppError::NotFound);
    }
    let st = server::status(ctx.core()?, time::now())?;
    let body = serde_json::to_value(&st).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(respond::json(200, &body))
}

/// The OpenAPI entry of this route.
pub fn describe(doc: &mut Value) {
    let err = || json!({"$ref": "#/components/responses/Error"});
    let int = || json!({"type": "integer", "minimum": 0});
    let text_or_null = || json!({"type": ["string", "null"]});
    let space = json!({"type": ["object", "null"], "required": ["free_bytes", "total_bytes"],
        "properties": {"free_bytes": int(), "total_bytes": int()}});
    let last = json!({"type": ["object", "null"], "required": ["at", "result", "size_bytes", "recovered_after"],
        "properties": {"at": {"type": "string", "format": "date-time"},
            "result": {"type": "string", "enum": ["ok", "dir_missing", "disk_full", "write_failed", "verify_failed"]},
            "size_bytes": int(), "recovered_after": int()}});
    let schema = json!({"type": "object",
    "required": ["version", "uptime_secs", "disk", "backup", "certificate", "mail", "dkim"],
    "properties": {
        "version": {"type": "string"},
        "uptime_secs": int(),
        "started_at": text_or_null(),
        "disk": {"type": "object", "properties": {"data": space, "backup": space}},
        "backup": {"type": "object", "required": ["configured", "failing", "failures"], "properties": {
            "configured": {"type": "boolean"}, "at": text_or_null(),
            "keep_days": {"type": ["integer", "null"]}, "last": last,
            "since": {"type": ["string", "null"], "description": "when the box first saw [backup]; the first run is at the next `at` after it"},
            "failing": {"type": "boolean", "description": "the latest scheduled backup failed"},
            "failures": int(), "last_success_at": text_or_null()}},
        "certificate": {"type": "object", "required": ["served"], "properties": {
            "served": {"type": "boolean", "description": "false when the box serves plain HTTP (loopback, or behind a proxy)"},
            "not_after": text_or_null(), "days_left": {"type": ["integer", "null"]},
            "renewal_error": text_or_null(), "renewal_failures": int()}},
        "mail": {"type": "object", "required": ["waiting", "failed"], "properties": {"waiting": int(), "failed": int()}},
        "dkim": {"type": "object", "required": ["configured"], "properties": {
            "configured": {"type": "boolean"}, "last_check": text_or_null()}},
    }});
    doc["paths"]["/server"] = json!({
        "get": {
            "summary": "The state of the box for monitoring: version, uptime, free disk, last scheduled backup, certificate expiry, mail queue, DKIM",
            "description": "Served without a token to a client on the box itself (loopback, not through a proxy); from elsewhere only with the operator's token. Others get 404.",
            "security": [{}, {"bearer": []}],
            "responses": {"200": {"description": "the state", "content": {"application/json": {"schema": schema}}},
                "404": err()},
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_without_a_proxy_or_the_operator_only() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let lo6: IpAddr = "::1".parse().unwrap();
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        assert!(may_read(lo, false, false));
        assert!(may_read(lo6, false, false));
        assert!(
            !may_read(lo, true, false),
            "a local proxy forwards outsiders"
        );
        assert!(!may_read(lan, false, false));
        assert!(may_read(lan, false, true));
        assert!(may_read(lo, true, true));
    }
}
