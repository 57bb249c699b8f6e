//! Delivery of one outbox mail: to the SMTP relay, or into `DATA/mail/*.eml` when no relay
//! is configured (the default, for trying Huis Clos; the admin is warned that clients are not
//! notified).

use std::time::{Duration, SystemTime};

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use super::address::mailbox_field;
use super::headers::{AutoSubmitted, ListUnsubscribe, preferences_url};
use super::kinds::NOTIFICATION_KINDS;
use crate::config::Config;
use crate::datadir::{DataDir, write_private};
use crate::store::outbox::OutboxMail;

/// Why an attempt failed; `reason` never holds an address or content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Retried later with a growing delay.
    Temporary { reason: String, hint: &'static str },
    /// Marked failed at once.
    Permanent { reason: String, hint: &'static str },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Temporary { reason, hint } => {
                write!(f, "temporary failure: {reason} ({hint})")
            }
            Failure::Permanent { reason, hint } => write!(f, "refused: {reason} ({hint})"),
        }
    }
}

/// The sender address of `[smtp] from`, or `extranet@<host of the box>`.
pub fn from_mailbox(config: &Config) -> Result<Mailbox, String> {
    if !config.smtp.from.trim().is_empty() {
        return config
            .smtp
            .from
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| format!("[smtp] from is not an address: {e}"));
    }
    let url = config.base_url();
    let host = url
        .split("://")
        .nth(1)
        .and_then(|r| r.split([':', '/']).next())
        .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
        .unwrap_or("localhost");
    format!("extranet@{host}")
        .parse::<Mailbox>()
        .map_err(|e| format!("cannot make a sender address: {e}"))
}

/// Builds the message exactly as queued: same Message-ID and date on every attempt. The
/// display names are encoded by [`mailbox_field`] (RFC 2047 words or plain atoms only, so
/// no header injection) and parsed back by lettre for the envelope.
/// `base_url` is the box's, for `List-Unsubscribe` (see [`super::headers`]).
pub fn build(mail: &OutboxMail, from: &Mailbox, base_url: &str) -> Result<Message, Failure> {
    let to_addr = mail.to.parse().map_err(|_| Failure::Permanent {
        reason: "the recipient address is not valid".into(),
        hint: "correct the person's e-mail address",
    })?;
    let to_name = (!mail.to_name.is_empty()).then(|| mail.to_name.clone());
    let from = Mailbox::new(Some(mail.from_name.clone()), from.email.clone());
    let date = SystemTime::UNIX_EPOCH + Duration::from_secs(mail.created_at.max(0) as u64);
    let mut builder = Message::builder().header(AutoSubmitted);
    if NOTIFICATION_KINDS.contains(&mail.kind.as_str()) {
        builder = builder.header(ListUnsubscribe(preferences_url(base_url)));
    }
    builder
        .message_id(Some(mail.message_id.clone()))
        .date(date)
        .raw_header(mailbox_field("From", &from))
        .raw_header(mailbox_field("To", &Mailbox::new(to_name, to_addr)))
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| Failure::Permanent {
            reason: format!("the message could not be built: {e}"),
            hint: "report this to the maintainers",
        })
}

/// Where mails go.
pub enum Deliverer {
    /// No relay configured: `.eml` files in the data folder.
    Files(DataDir),
    /// The firm's SMTP relay, with DKIM signing when configured.
    Smtp(
        Box<super::transport::Relay>,
        Box<Option<super::dkim::DkimSigner>>,
    ),
}

impl Deliverer {
    /// The relay of `[smtp]`, or files when no host is configured.
    pub fn from_config(config: &Config, data: &DataDir) -> Result<Deliverer, String> {
        if config.smtp.host.trim().is_empty() {
            return Ok(Deliverer::Files(data.clone()));
        }
        let relay =
            super::transport::Relay::from_config(&config.smtp).map_err(|e| e.to_string())?;
        let m = &config.mail;
        let dkim = if m.dkim_selector.is_empty() {
            None
        } else {
            let domain = if m.dkim_domain.is_empty() {
                from_mailbox(config)?.email.domain().to_owned()
            } else {
                m.dkim_domain.clone()
            };
            Some(
                super::dkim::DkimSigner::from_pem_file(&m.dkim_key_file, &m.dkim_selector, &domain)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(Deliverer::Smtp(Box::new(relay), Box::new(dkim)))
    }

    pub fn is_relay(&self) -> bool {
        !matches!(self, Deliverer::Files(_))
    }

    pub fn deliver(
        &self,
        mail: &OutboxMail,
        from: &Mailbox,
        base_url: &str,
    ) -> Result<(), Failure> {
        let msg = build(mail, from, base_url)?;
        match self {
            Deliverer::Smtp(relay, dkim) => {
                // The signature covers the very bytes handed to the relay (see dkim_sign).
                let raw = match dkim.as_ref() {
                    Some(signer) => signer.sign(&msg.formatted()).map_err(|e| {
                        Failure::Temporary {
                            reason: e.to_string(),
                            hint: "check the DKIM key file of [mail], or report this to the maintainers",
                        }
                    })?,
                    None => msg.formatted(),
                };
                relay.send_raw(msg.envelope(), &raw).map_err(|e| match e {
                    super::transport::SendError::Temporary { reason, hint } => {
                        Failure::Temporary { reason, hint }
                    }
                    super::transport::SendError::Permanent { reason, hint } => {
                        Failure::Permanent { reason, hint }
                    }
                })
            }
            Deliverer::Files(data) => {
                let path = data
                    .mail()
                    .join(format!("{}-{}.eml", mail.created_at, mail.id.hex()));
                write_private(&path, &msg.formatted(), true).map_err(|e| Failure::Temporary {
                    reason: format!("cannot write the mail file: {e}"),
                    hint: "check that the data folder is writable and not full",
                })
            }
        }
    }
}
