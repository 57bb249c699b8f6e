//! A blocking RFC 8555 client: directory, nonces, account, order, authorizations,
//! challenges, finalization and the certificate chain. One thread drives it (the renewal
//! thread, [`crate::tls::acme::manager`]); every request is a JWS POST ([`crate::tls::acme::jws`]) but the
//! directory and the first nonce.
//!
//! The server may reject a nonce (`badNonce`, §6.5): the request is signed again with the
//! fresh nonce the rejection carries, a few times. A resource still `pending` or
//! `processing` is fetched again after its `Retry-After` (bounded), until a deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::tls::acme::AcmeError;
use crate::tls::acme::jws::{AccountKey, Signer};

/// How many times one request is signed again after a `badNonce` (a server may reject any
/// share of nonces; the tests make pebble reject half of them).
const NONCE_RETRIES: u32 = 10;
/// How long an order or authorization may stay pending before the attempt is given up.
const POLL_DEADLINE: Duration = Duration::from_secs(120);
/// Bounds of the wait between two polls (a `Retry-After` is kept within them).
const POLL_MIN: Duration = Duration::from_millis(250);
const POLL_MAX: Duration = Duration::from_secs(10);
/// The largest body read from the server (a chain is a few KiB).
const MAX_BODY: u64 = 1 << 20;

struct Directory {
    new_nonce: String,
    new_account: String,
    new_order: String,
}

/// A reply of the server: status, the headers ACME uses, and the body.
struct Reply {
    status: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Result<Value, AcmeError> {
        serde_json::from_slice(&self.body).map_err(|_| AcmeError::Protocol("json"))
    }
}

/// A session with one ACME server under one account key.
pub struct Client {
    agent: ureq::Agent,
    directory: Directory,
    key: AccountKey,
    kid: Option<String>,
    nonce: Option<String>,
}

/// An order (§7.1.3) as far as the client needs it.
#[derive(Debug)]
pub struct Order {
    pub url: String,
    pub status: String,
    pub authorizations: Vec<String>,
    pub finalize: String,
    pub certificate: Option<String>,
}

impl Order {
    fn parse(url: String, v: &Value) -> Result<Order, AcmeError> {
        let s = |k: &str| v[k].as_str().map(str::to_owned);
        Ok(Order {
            url,
            status: s("status").ok_or(AcmeError::Protocol("order status"))?,
            authorizations: v["authorizations"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|u| u.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            finalize: s("finalize").ok_or(AcmeError::Protocol("order finalize"))?,
            certificate: s("certificate"),
        })
    }
}

/// A pending challenge of an authorization: what to publish, where to answer.
#[derive(Debug)]
pub struct Pending {
    pub domain: String,
    pub token: String,
    pub url: String,
}

impl Client {
    /// Reads the directory at `url`, trusting `roots` (DER) if given, else the web roots.
    pub fn connect(
        url: &str,
        roots: Option<Vec<Vec<u8>>>,
        key: AccountKey,
        kid: Option<String>,
    ) -> Result<Client, AcmeError> {
        use ureq::tls::{Certificate, RootCerts, TlsConfig};
        let root_certs = match roots {
            Some(ders) => RootCerts::Specific(Arc::new(
                ders.iter()
                    .map(|d| Certificate::from_der(d).to_owned())
                    .collect(),
            )),
            None => RootCerts::WebPki,
        };
        let config = ureq::Agent::config_builder()
            // ACME errors are problem documents: read them instead of failing on the status.
            .http_status_as_error(false)
            // The box talks to its CA directly (principle 2: no other outbound connection).
            .proxy(None)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .user_agent(concat!("huisclos/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(root_certs).build())
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            crate::tls::acme::dns::BoxResolver,
        );
        let reply = request(&agent, "GET", url, None)?;
        if reply.status != 200 {
            return Err(AcmeError::Status(reply.status));
        }
        let d = reply.json()?;
        let field = |k: &str| {
            d[k].as_str()
                .map(str::to_owned)
                .ok_or(AcmeError::Protocol("directory"))
        };
        let directory = Directory {
            new_nonce: field("newNonce")?,
            new_account: field("newAccount")?,
            new_order: field("newOrder")?,
        };
        Ok(Client {
            agent,
            directory,
            key,
            kid,
            nonce: None,
        })
    }

    /// Drops the account URL: the next request registers the key again.
    pub fn forget_account(&mut self) {
        self.kid = None;
    }

    pub fn key(&self) -> &AccountKey {
        &self.key
    }

    /// Finds or creates the account of the key (§7.3); returns its URL (the `kid`).
    pub fn account(&mut self, contact: &str) -> Result<String, AcmeError> {
        if let Some(kid) = &self.kid {
            return Ok(kid.clone());
        }
        let mut payload = json!({"termsOfServiceAgreed": true});
        if !contact.is_empty() {
            payload["contact"] = json!([contact]);
        }
        let url = self.directory.new_account.clone();
        let reply = self.post(&url, Some(&payload))?;
        if reply.status != 200 && reply.status != 201 {
            return Err(problem(&reply));
        }
        let kid = reply
            .location
            .ok_or(AcmeError::Protocol("account location"))?;
        self.kid = Some(kid.clone());
        Ok(kid)
    }

    pub fn new_order(&mut self, domains: &[String]) -> Result<Order, AcmeError> {
        let ids: Vec<Value> = domains
            .iter()
            .map(|d| json!({"type": "dns", "value": d}))
            .collect();
        let url = self.directory.new_order.clone();
        let reply = self.post(&url, Some(&json!({"identifiers": ids})))?;
        if reply.status != 201 {
            return Err(problem(&reply));
        }
        let location = reply
            .location
            .clone()
            .ok_or(AcmeError::Protocol("order location"))?;
        Order::parse(location, &reply.json()?)
    }

    /// The challenge of type `kind` of the authorization at `url`, or `None` when the
    /// authorization is already valid (a recent one the server reuses).
    pub fn challenge(&mut self, url: &str, kind: &str) -> Result<Option<Pending>, AcmeError> {
        let reply = self.post_as_get(url)?;
        let authz = reply.json()?;
        match authz["status"].as_str() {
            Some("valid") => return Ok(None),
            Some("pending") => {}
            _ => return Err(AcmeError::Refused("authorization")),
        }
        let domain = authz["identifier"]["value"]
            .as_str()
            .ok_or(AcmeError::Protocol("identifier"))?
            .to_owned();
        let c = authz["challenges"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == kind))
            .ok_or(AcmeError::Refused("challenge type not offered"))?;
        let field = |k: &str| {
            c[k].as_str()
                .map(str::to_owned)
                .ok_or(AcmeError::Protocol("challenge"))
        };
        Ok(Some(Pending {
            domain,
            token: field("token")?,
            url: field("url")?,
        }))
    }

    /// Tells the server the challenge is ready (§7.5.1), then waits for the authorization.
    pub fn validate(&mut self, challenge: &str, authorization: &str) -> Result<(), AcmeError> {
        let reply = self.post(challenge, Some(&json!({})))?;
        if reply.status != 200 {
            return Err(problem(&reply));
        }
        let authz = self.poll(authorization, &["pending"])?;
        match authz["status"].as_str() {
            Some("valid") => Ok(()),
            _ => Err(AcmeError::Refused("challenge failed")),
        }
    }

    /// Sends the CSR (DER) and waits for the order to be valid; returns the chain (PEM).
    pub fn finalize(&mut self, order: &Order, csr: &[u8]) -> Result<String, AcmeError> {
        let order = {
            let now = self.poll(&order.url, &["pending"])?;
            Order::parse(order.url.clone(), &now)?
        };
        if order.status != "ready" {
            return Err(AcmeError::Refused("order not ready"));
        }
        let payload = json!({"csr": data_encoding::BASE64URL_NOPAD.encode(csr)});
        let reply = self.post(&order.finalize, Some(&payload))?;
        if reply.status != 200 {
            return Err(problem(&reply));
        }
        let done = self.poll(&order.url, &["ready", "processing"])?;
        let done = Order::parse(order.url.clone(), &done)?;
        let cert = match (done.status.as_str(), done.certificate) {
            ("valid", Some(url)) => url,
            _ => return Err(AcmeError::Refused("order not valid")),
        };
        let reply = self.post_as_get(&cert)?;
        String::from_utf8(reply.body).map_err(|_| AcmeError::Protocol("certificate"))
    }

    /// POST-as-GET `url` until its status leaves `waiting`, following `Retry-After`.
    fn poll(&mut self, url: &str, waiting: &[&str]) -> Result<Value, AcmeError> {
        let deadline = Instant::now() + POLL_DEADLINE;
        loop {
            let reply = self.post_as_get(url)?;
            let v = reply.json()?;
            let status = v["status"].as_str().unwrap_or_default();
            if !waiting.contains(&status) {
                return Ok(v);
            }
            if Instant::now() >= deadline {
                return Err(AcmeError::Timeout);
            }
            let wait = reply
                .retry_after
                .unwrap_or(POLL_MIN)
                .clamp(POLL_MIN, POLL_MAX);
            std::thread::sleep(wait);
        }
    }

    fn post_as_get(&mut self, url: &str) -> Result<Reply, AcmeError> {
        let reply = self.post(url, None)?;
        if reply.status != 200 {
            return Err(problem(&reply));
        }
        Ok(reply)
    }

    /// A signed POST, signed again with a fresh nonce after a `badNonce`.
    fn post(&mut self, url: &str, payload: Option<&Value>) -> Result<Reply, AcmeError> {
        let mut tries = 0;
        loop {
            let nonce = match self.nonce.take() {
                Some(n) => n,
                None => self.fresh_nonce()?,
            };
            let signer = match &self.kid {
                Some(kid) => Signer::Kid(kid),
                None => Signer::Jwk,
            };
            let body = self.key.sign(url, &nonce, signer, payload)?;
            let (reply, next) = request_with_nonce(&self.agent, "POST", url, Some(body))?;
            self.nonce = next;
            if reply.status == 400 && problem_type(&reply).as_deref() == Some("badNonce") {
                tries += 1;
                if tries <= NONCE_RETRIES {
                    log::info!("acme: nonce refused (badNonce), signing again ({tries})");
                    continue;
                }
            }
            return Ok(reply);
        }
    }

    fn fresh_nonce(&mut self) -> Result<String, AcmeError> {
        let url = self.directory.new_nonce.clone();
        let (reply, nonce) = request_with_nonce(&self.agent, "HEAD", &url, None)?;
        if reply.status != 200 && reply.status != 204 {
            return Err(AcmeError::Status(reply.status));
        }
        nonce.ok_or(AcmeError::Protocol("no nonce"))
    }
}

fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Vec<u8>>,
) -> Result<Reply, AcmeError> {
    request_with_nonce(agent, method, url, body).map(|(r, _)| r)
}

/// One HTTP exchange; the `Replay-Nonce` of the reply apart.
fn request_with_nonce(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Vec<u8>>,
) -> Result<(Reply, Option<String>), AcmeError> {
    let result = match (method, body) {
        ("HEAD", _) => agent.head(url).call(),
        ("POST", Some(b)) => agent
            .post(url)
            .header("Content-Type", "application/jose+json")
            .send(&b[..]),
        _ => agent.get(url).call(),
    };
    let mut response = result.map_err(|e| AcmeError::Network(e.to_string()))?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let nonce = header("Replay-Nonce");
    let location = header("Location");
    let retry_after = header("Retry-After")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let status = response.status().as_u16();
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| AcmeError::Network(e.to_string()))?
    };
    Ok((
        Reply {
            status,
            location,
            retry_after,
            body,
        },
        nonce,
    ))
}

/// The short problem type of an error reply (`badNonce` for
/// `urn:ietf:params:acme:error:badNonce`).
fn problem_type(reply: &Reply) -> Option<String> {
    let v: Value = serde_json::from_slice(&reply.body).ok()?;
    let t = v["type"].as_str()?;
    Some(t.rsplit(':').next().unwrap_or(t).to_owned())
}

fn problem(reply: &Reply) -> AcmeError {
    match problem_type(reply) {
        Some(t) => AcmeError::Problem(reply.status, t),
        None => AcmeError::Status(reply.status),
    }
}
