//! One function per kind of mail. Their parameters are all a mail may carry: the firm's
//! display name and colour, the recipient's own name, a count, a link to the box, a code.
//! The kinds that follow the recipient's notification preference return a [`Delivery`]
//! (queued, counted in the digest, or withheld): see [`super::prefs`].

use minijinja::context;

use super::prefs::{self, Delivery};
use super::{MailError, Mailer};
use crate::ids::{FirmId, MailId};
use crate::store::Store;
use crate::store::accounts::NotifyPref;

/// Every kind of mail; each has `email/{lang}/{kind}.txt` and `.html`.
pub const KINDS: &[&str] = &[
    "test",
    "sign_in_code",
    "password_reset",
    "invitation",
    "notification",
    "digest",
    "lockout_alert",
    "welcome",
    "request_reminder",
    "event_reminder",
    "retention_notice",
    "exhibits_reminder",
    "secure_mail",
    "secure_mail_code",
    "secure_mail_locked",
    "secure_mail_reply",
    "secure_mail_gateway_sent",
    "deposit_code",
    "copilot_proposal",
    "staff_address_taken",
    "backup_failed",
    "backup_recovered",
    "certificate_alert",
];

/// The kinds a person can turn off in his notification preferences: they carry
/// `List-Unsubscribe` ([`super::headers`]). The others are security or transactional mails.
pub const NOTIFICATION_KINDS: &[&str] = &[
    "notification",
    "digest",
    "request_reminder",
    "event_reminder",
    "exhibits_reminder",
];

/// Who receives a mail.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub email: String,
    pub name: String,
    pub lang: String,
    /// The firm whose admin may see this address in the outbox.
    pub firm: Option<FirmId>,
}

/// On whose behalf: the firm's display name (possibly neutral) and brand colour. An empty
/// display name is the box's own: the display name of `[smtp] from`, else
/// [`DEFAULT_BOX_NAME`] (see [`Mailer::sender_name`]).
#[derive(Debug, Clone)]
pub struct Sender {
    pub display_name: String,
    pub colour: String,
}

/// The box's name in mails when `[smtp] from` has no display name.
pub const DEFAULT_BOX_NAME: &str = "Huis Clos";

impl Sender {
    /// The box itself, for mails that belong to no firm (sign-in codes of a client with no
    /// firm, the box's test mail).
    pub fn neutral() -> Sender {
        Sender {
            display_name: String::new(),
            colour: "#1f3a5f".into(),
        }
    }
}

/// A colour usable in an e-mail's style attribute (anything else falls back to the default).
fn safe_colour(c: &str) -> &str {
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if ok { c } else { "#1f3a5f" }
}

/// A link written plainly in HTML (`href="https://…"`): the auto-escape would write every
/// `/` as `&#x2f;`, which spam filters count against the mail and some clients show as is.
/// Only what could close the attribute or open a tag is escaped; the link is safe for text
/// too. A link is the box's base URL plus a path of ids and tokens.
fn plain_link(link: &str) -> minijinja::Value {
    let mut out = String::with_capacity(link.len());
    for c in link.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    minijinja::Value::from_safe_string(out)
}

impl Mailer {
    /// What every mail may carry: the firm's display name and colour, the recipient's own
    /// name, and a link to the box.
    fn common(&self, to: &Recipient, from: &Sender, path: &str) -> minijinja::Value {
        let link = plain_link(&format!("{}{path}", self.base_url()));
        context! {
            firm_name => self.sender_name(from), colour => safe_colour(&from.colour),
            recipient_name => to.name, link => link,
        }
    }

    /// Queues a mail of `kind`: what every mail carries ([`Self::common`], with its link to
    /// `path` on the box) and the kind's own `vars` (none of them named like a common one).
    fn send(
        &self,
        store: &Store,
        kind: &'static str,
        to: &Recipient,
        from: &Sender,
        path: &str,
        vars: minijinja::Value,
    ) -> Result<MailId, MailError> {
        let vars = context! { ..vars, ..self.common(to, from, path) };
        self.queue(store, kind, kind, to, from, vars)
    }

    /// As [`Self::send`], for a kind that follows the recipient's notification preference
    /// ([`prefs::Policy::Preference`]): queued at once, counted in his next digest, or
    /// withheld.
    fn send_preferred(
        &self,
        store: &Store,
        kind: &'static str,
        to: &Recipient,
        from: &Sender,
        path: &str,
        vars: minijinja::Value,
    ) -> Result<Delivery, MailError> {
        debug_assert_eq!(prefs::policy(kind), Some(prefs::Policy::Preference));
        match prefs::of(store, &to.email)? {
            None | Some((_, NotifyPref::Immediate)) => self
                .send(store, kind, to, from, path, vars)
                .map(Delivery::Queued),
            Some((account, NotifyPref::Daily)) => {
                // Counted for the firm the mail concerns: the digest that announces it
                // bears that firm's name, beside that firm's other news.
                prefs::count_in(store, account, to.firm, 1, crate::model::time::now())?;
                log::info!("{kind} for account {account} counted in the next digest");
                Ok(Delivery::InDigest)
            }
            Some((account, NotifyPref::Never)) => {
                log::info!("{kind} for account {account} withheld: no e-mail wanted");
                Ok(Delivery::Withheld)
            }
        }
    }

    /// A test of the relay, sent from the admin page or `huisclos test-email`.
    pub fn test(&self, store: &Store, to: &Recipient, from: &Sender) -> Result<MailId, MailError> {
        self.send(store, "test", to, from, "/", context! {})
    }

    /// A one-time sign-in code (8 digits, valid 10 minutes).
    pub fn sign_in_code(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        code: &str,
        minutes: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { code => code, minutes => minutes };
        self.send(store, "sign_in_code", to, from, "/login", vars)
    }

    /// A password reset link (single use, 30 minutes).
    pub fn password_reset(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        token: &str,
        minutes: u32,
    ) -> Result<MailId, MailError> {
        let path = format!("/reset/{token}");
        let vars = context! { minutes => minutes };
        self.send(store, "password_reset", to, from, &path, vars)
    }

    /// An invitation: says who invites (the person, `inviter`, and the firm), never into
    /// what: an unknown sender with a bare link looks like phishing.
    pub fn invitation(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        inviter: &str,
        token: &str,
        days: u32,
    ) -> Result<MailId, MailError> {
        let path = format!("/invite/{token}");
        let vars = context! { days => days, inviter => super::render::one_line(inviter) };
        self.send(store, "invitation", to, from, &path, vars)
    }

    /// New things wait: a count, never what.
    pub fn notification(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        count: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { count => count };
        self.send(store, "notification", to, from, "/", vars)
    }

    /// The daily digest of those who chose it: a count, never what.
    pub fn digest(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        count: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { count => count };
        self.send(store, "digest", to, from, "/", vars)
    }

    /// A new account: a link to choose a password (no content, no space named).
    pub fn welcome(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        token: &str,
        days: u32,
    ) -> Result<MailId, MailError> {
        let path = format!("/reset/{token}");
        let vars = context! { days => days };
        self.send(store, "welcome", to, from, &path, vars)
    }

    /// To the owner of an address a firm admin gave a new staff member, when the address
    /// already has an account on the box (another firm's staff, or a client): nothing was
    /// created for him, and the firm is not told (see `domain::firms::staff`). Recorded in the
    /// outbox as a `welcome`, the mail the admin expects to see there, so that its outbox
    /// does not tell the two cases apart.
    pub fn staff_address_taken(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
    ) -> Result<MailId, MailError> {
        let vars = context! { ..self.common(to, from, "/login") };
        self.queue(store, "welcome", "staff_address_taken", to, from, vars)
    }

    /// A scheduled backup failed (to the box operator): why, as a code (`dir_missing`,
    /// `disk_full`, `write_failed`, `verify_failed`), never a path, a size or a name.
    pub fn backup_failed(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        reason: &str,
    ) -> Result<MailId, MailError> {
        let vars = context! { reason => reason };
        self.send(store, "backup_failed", to, from, "/operator/server", vars)
    }

    /// A scheduled backup succeeded after `failures` failed ones (sent once, to the operator).
    pub fn backup_recovered(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        failures: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { failures => failures };
        self.send(
            store,
            "backup_recovered",
            to,
            from,
            "/operator/server",
            vars,
        )
    }

    /// A firm proposes to co-pilot a space with the recipient's firm: the proposing firm's
    /// name and how long the proposal waits, never which space; the link opens his dashboard.
    pub fn copilot_proposal(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        days: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { days => days };
        self.send(store, "copilot_proposal", to, from, "/", vars)
    }

    /// Requests of the firm fall due: how many and the nearest due date (`YYYY-MM-DD`),
    /// never which ones nor in which space.
    pub fn request_reminder(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        count: u32,
        due: &str,
    ) -> Result<Delivery, MailError> {
        let vars = context! { count => count, due => due };
        self.send_preferred(store, "request_reminder", to, from, "/", vars)
    }

    /// A space the recipient manages will be deleted on `date` (its retention date): the
    /// date and a link to its settings, never which space.
    pub fn retention_notice(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        date: &str,
        path: &str,
    ) -> Result<Delivery, MailError> {
        let vars = context! { date => date };
        self.send_preferred(store, "retention_notice", to, from, path, vars)
    }

    /// The code that confirms a drop-box visitor's address: the firm's display name, the
    /// code and its validity only. No link (the visitor types it where he asked for it) and
    /// no name: the one the visitor typed is not verified.
    pub fn deposit_code(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        code: &str,
        minutes: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { code => code, minutes => minutes };
        self.send(store, "deposit_code", to, from, "/", vars)
    }

    /// Exhibits communicated to the recipient wait for his acknowledgement of receipt: a
    /// link to the communication's page (ids only), never the space, a party or an exhibit.
    pub fn exhibits_reminder(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        path: &str,
    ) -> Result<Delivery, MailError> {
        self.send_preferred(store, "exhibits_reminder", to, from, path, context! {})
    }

    /// The account was locked after repeated failed sign-ins.
    pub fn lockout_alert(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        minutes: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { minutes => minutes };
        self.send(store, "lockout_alert", to, from, "/login", vars)
    }

    /// The box's HTTPS certificate (ACME) could not be renewed (`failed`), or ends in
    /// `days` days: to the box operator, with a link to the operator page; no name.
    pub fn certificate_alert(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        failed: bool,
        days: i64,
    ) -> Result<MailId, MailError> {
        let vars = context! { failed => failed, days => days };
        self.send(store, "certificate_alert", to, from, "/operator", vars)
    }

    /// An appointment is near: its local date, time and UTC offset only (`05/11/2026`,
    /// `14:30`, `+01:00`), never its title, place, note nor space.
    pub fn event_reminder(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        date: &str,
        time: &str,
        offset: &str,
    ) -> Result<Delivery, MailError> {
        let vars = context! { date => date, time => time, offset => offset };
        self.send_preferred(store, "event_reminder", to, from, "/", vars)
    }

    /// A secure mail waits for the recipient at `path` (`/m/{token}`) until `until`
    /// (`YYYY-MM-DD`): the firm's name and the link only, never the subject, text or files.
    pub fn secure_mail(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        path: &str,
        until: &str,
    ) -> Result<MailId, MailError> {
        let vars = context! { until => until };
        self.send(store, "secure_mail", to, from, path, vars)
    }

    /// The one-time code that opens a secure mail (8 digits, valid `minutes`).
    pub fn secure_mail_code(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        code: &str,
        minutes: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { code => code, minutes => minutes };
        self.send(store, "secure_mail_code", to, from, "/", vars)
    }

    /// To the sender: a recipient of his secure mail at `path` (`/mail/{id}`) was locked
    /// out after wrong codes; never who, nor which mail beyond its link.
    pub fn secure_mail_locked(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        path: &str,
    ) -> Result<MailId, MailError> {
        self.send(store, "secure_mail_locked", to, from, path, context! {})
    }

    /// To the sender: the mail he sent from his mail client through the SMTP gateway left
    /// as the secure mail at `path` (`/mail/{id}`), to `recipients` addresses; never whom,
    /// nor its subject or files.
    pub fn secure_mail_gateway_sent(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        path: &str,
        recipients: u32,
    ) -> Result<MailId, MailError> {
        let vars = context! { recipients => recipients };
        self.send(store, "secure_mail_gateway_sent", to, from, path, vars)
    }

    /// To the sender: a reply to his secure mail at `path` waits on the box.
    pub fn secure_mail_reply(
        &self,
        store: &Store,
        to: &Recipient,
        from: &Sender,
        path: &str,
    ) -> Result<Delivery, MailError> {
        self.send_preferred(store, "secure_mail_reply", to, from, path, context! {})
    }
}

#[cfg(test)]
mod tests {
    use super::plain_link;

    #[test]
    fn links_keep_their_slashes_but_cannot_leave_the_attribute() {
        assert_eq!(
            plain_link("https://box.example/invite/ab12").to_string(),
            "https://box.example/invite/ab12"
        );
        assert_eq!(
            plain_link("https://x.fr/a?b=1&c=\"><script>'").to_string(),
            "https://x.fr/a?b=1&amp;c=&quot;&gt;&lt;script&gt;&#39;"
        );
    }
}
