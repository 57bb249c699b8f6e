//! The encrypted mail relay: every e-mail Huis Clos sends goes through here.
//!
//! A mail is rendered from its templates ([`render`]) by one function per kind ([`kinds`]),
//! written to the outbox (sealed in redb, [`crate::store::outbox`]) and only then delivered
//! by the worker thread ([`worker`]), through the firm's SMTP relay or, when none is
//! configured, into `DATA/mail/*.eml` ([`deliver`]). It is marked sent once the relay
//! accepted it: a crash or restart never loses one (at-least-once, stable Message-ID).
//!
//! **Nothing confidential leaves the box**: the kind functions accept only what a mail may
//! carry — the firm's display name and colour, the recipient's own name, a count, a link to
//! the box, a code — so no space title, document name or message text can reach a mail.

pub mod address;
pub mod admin;
pub mod deliver;
pub mod digest;
pub mod dkim;
mod dkim_sign;
pub mod dns_check;
pub mod headers;
pub mod kinds;
pub mod prefs;
pub mod render;
pub mod transport;
pub mod worker;

use std::sync::{Arc, Condvar, Mutex};

use crate::config::Config;
use crate::ids::MailId;
use crate::store::outbox::{self, OutboxMail, Status};
use crate::store::{Store, StoreError};

pub use kinds::{Recipient, Sender};

#[derive(Debug)]
pub enum MailError {
    Template(String),
    Store(StoreError),
}

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailError::Template(e) => write!(f, "e-mail template error: {e}"),
            MailError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for MailError {}

impl From<StoreError> for MailError {
    fn from(e: StoreError) -> Self {
        MailError::Store(e)
    }
}

/// Queues mails and wakes the worker.
pub struct Mailer {
    templates: render::MailTemplates,
    base_url: String,
    /// The domain of Message-IDs (that of the sender address).
    domain: String,
    /// The box's own name in mails: the display name of `[smtp] from`, or the default.
    box_name: String,
    wake: Arc<(Mutex<bool>, Condvar)>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Mailer")
    }
}

impl Mailer {
    pub fn new(config: &Config) -> Result<Mailer, String> {
        Ok(Mailer {
            templates: render::MailTemplates::load()?,
            base_url: config.base_url(),
            domain: deliver::from_mailbox(config)
                .map(|m| m.email.domain().to_owned())
                .unwrap_or_else(|_| "localhost".into()),
            box_name: deliver::from_mailbox(config)
                .ok()
                .and_then(|m| m.name)
                .map(|n| render::one_line(&n))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| kinds::DEFAULT_BOX_NAME.to_owned()),
            wake: Arc::new((Mutex::new(false), Condvar::new())),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The name a mail from `from` is sent in: the firm's, or the box's own for
    /// [`Sender::neutral`].
    pub fn sender_name(&self, from: &Sender) -> String {
        let name = render::one_line(&from.display_name);
        if name.is_empty() {
            self.box_name.clone()
        } else {
            name
        }
    }

    /// Wakes the worker (new mail, or a retry asked by the admin).
    pub fn wake(&self) {
        let (lock, cv) = &*self.wake;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        cv.notify_all();
    }

    pub(crate) fn wake_handle(&self) -> Arc<(Mutex<bool>, Condvar)> {
        self.wake.clone()
    }

    /// Renders the mail `template` and records it as a mail of `kind` (the two differ only
    /// where the outbox must not tell two mails apart); it is delivered by the worker.
    pub(crate) fn queue(
        &self,
        store: &Store,
        kind: &'static str,
        template: &'static str,
        to: &Recipient,
        from: &Sender,
        vars: minijinja::Value,
    ) -> Result<MailId, MailError> {
        let r = self
            .templates
            .render(template, &to.lang, &vars)
            .map_err(|e| MailError::Template(format!("{template}: {e}")))?;
        let id = MailId::random();
        let now = crate::model::time::now();
        let mail = OutboxMail {
            id,
            kind: kind.to_owned(),
            to: to.email.clone(),
            to_name: render::one_line(&to.name),
            from_name: self.sender_name(from),
            firm: to.firm,
            subject: r.subject,
            text: r.text,
            html: r.html,
            message_id: format!("<{}@{}>", id.hex(), self.domain),
            created_at: now,
            status: Status::Waiting,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            last_error: None,
        };
        outbox::insert(store, &mail)?;
        log::info!("mail {id} queued ({kind})");
        self.wake();
        Ok(id)
    }
}

/// Counts `n` new things for `account`; the worker announces them in the next batch.
pub fn notify(
    core: &crate::domain::Core,
    account: crate::ids::AccountId,
    n: u32,
) -> Result<(), MailError> {
    notify_in(core, account, None, n)
}

/// [`notify`] for things in a space of `firm`: the mail that announces them bears that
/// firm's name, and a person in spaces of two firms gets one mail per firm.
pub fn notify_in(
    core: &crate::domain::Core,
    account: crate::ids::AccountId,
    firm: Option<crate::ids::FirmId>,
    n: u32,
) -> Result<(), MailError> {
    prefs::count_in(&core.store, account, firm, n, crate::model::time::now())?;
    core.mail.wake();
    Ok(())
}

#[cfg(test)]
mod tests;
