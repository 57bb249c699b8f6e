//! The HTTP front: rouille over the patched tiny_http, TLS by rustls.
//!
//! One route table ([`routes::ROUTES`]) says which handler serves which path and who may
//! call it; one response builder ([`respond::finish`]) sets the security headers on every
//! response; handlers (one per file in [`ui`]) are thin: check, parse, call the domain,
//! render or redirect. Until a sealed box is unlocked, only the unlock page, the health
//! check and static files are served.

pub mod api;
pub mod assets;
pub mod body_fault;
pub mod client_slots;
pub mod context;
pub mod cpu_gate;
pub mod csrf;
pub mod dispatch;

pub mod form;
pub mod guards;
pub mod http_methods;
pub mod i18n;
pub mod linkify;
pub mod multipart;
pub mod render;
pub mod respond;
pub mod routes;
pub mod server;
pub mod throttled;
pub mod ui;
pub mod words;

use std::sync::{Arc, RwLock};

use crate::config::Config;
use crate::datadir::DataDir;
use crate::domain::Core;

/// Whether the box is usable yet.
#[derive(Clone)]
pub enum State {
    /// Sealed mode, waiting for the passphrase.
    Locked,
    Ready(Arc<Core>),
}

/// Called once when a sealed box is unlocked, with the new core.
pub type UnlockHook = Box<dyn Fn(&Arc<Core>) + Send + Sync>;

/// What every request handler can reach.
pub struct App {
    pub config: Arc<Config>,
    pub data: DataDir,
    pub state: RwLock<State>,
    pub i18n: i18n::I18n,
    pub templates: render::Templates,
    /// Whether the listener itself speaks TLS.
    pub tls: bool,
    /// CSRF key while locked (the master-derived one is not available yet).
    pub ephemeral_csrf: ring::hmac::Key,
    /// Called once when a sealed box is unlocked, with the new core.
    pub on_unlock: UnlockHook,
    /// Sign-ins waiting for their second factor: hash of the `hc_2fa` cookie → account and
    /// expiry. In memory only: a restart asks for the password again.
    pub pending_2fa:
        std::sync::Mutex<std::collections::HashMap<[u8; 32], (crate::ids::AccountId, i64)>>,
    /// Reads computed at once, in arrival order (see `cpu_gate`).
    pub gate: cpu_gate::Gate,
    /// The first start of a sealed box: the SHA-256 of the one-time link's token that lets
    /// its holder choose the passphrase (see [`App::issue_seal_link`]). Held in memory only:
    /// there is no database yet to keep it in.
    first_seal: std::sync::Mutex<Option<[u8; 32]>>,
    /// Requests in flight per client address (see `client_slots`).
    pub client_slots: client_slots::ClientSlots,
}

impl App {
    pub fn new(config: Arc<Config>, data: DataDir, state: State, tls: bool) -> Result<App, String> {
        let client_slots =
            client_slots::ClientSlots::new(config.server.max_connections_per_address);
        Ok(App {
            config,
            data,
            state: RwLock::new(state),
            i18n: i18n::I18n::load()?,
            templates: render::Templates::load()?,
            tls,
            ephemeral_csrf: ring::hmac::Key::new(
                ring::hmac::HMAC_SHA256,
                &crate::ids::random::<32>(),
            ),
            on_unlock: Box::new(|_| {}),
            pending_2fa: Default::default(),
            gate: cpu_gate::Gate::per_core(),
            first_seal: std::sync::Mutex::new(None),
            client_slots,
        })
    }

    /// Whether the box is sealed and has never been given its passphrase.
    pub fn first_seal(&self) -> bool {
        self.config.server.sealed && !self.data.sealed_params().exists()
    }

    /// A new one-time link for choosing the passphrase of a sealed box on its first start
    /// (replacing any earlier one), or `None` when the box is not at that point. Whoever
    /// reaches a fresh sealed box without it is refused: the passphrase, like the first
    /// firm, is set only by the person who started the server (DESIGN: setup link).
    pub fn issue_seal_link(&self) -> Option<String> {
        if !self.first_seal() || self.core().is_some() {
            return None;
        }
        let token = data_encoding::BASE64URL_NOPAD.encode(&crate::ids::random::<32>());
        let mut slot = self.first_seal.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(crate::crypto::sha256(token.as_bytes()));
        Some(format!("{}/unlock?setup={token}", self.config.base_url()))
    }

    /// Whether `token` is the current first-seal token (compared in constant time).
    pub fn seal_token_valid(&self, token: &str) -> bool {
        let slot = self.first_seal.lock().unwrap_or_else(|p| p.into_inner());
        slot.is_some_and(|h| crate::crypto::ct_eq(&h, &crate::crypto::sha256(token.as_bytes())))
    }

    /// Uses up the first-seal token once the passphrase is set.
    pub fn seal_token_used(&self) {
        *self.first_seal.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn state(&self) -> State {
        self.state
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn core(&self) -> Option<Arc<Core>> {
        match self.state() {
            State::Ready(core) => Some(core),
            State::Locked => None,
        }
    }

    pub fn set_ready(&self, core: Arc<Core>) {
        let mut s = self.state.write().unwrap_or_else(|p| p.into_inner());
        *s = State::Ready(core.clone());
        drop(s);
        (self.on_unlock)(&core);
    }
}
