//! The firm's policy: which submitted mails become secure mails; the others are passed on
//! unchanged through the `[smtp]` relay.

use crate::config::{Gateway, GatewayPolicy};

/// What the policy looks at in a mail.
#[derive(Debug)]
pub struct Facts<'a> {
    pub subject: &'a str,
    /// The envelope's recipients (To, Cc and Bcc alike).
    pub recipients: &'a [String],
    pub has_attachment: bool,
}

/// Whether the mail becomes a secure mail.
pub fn secure(cfg: &Gateway, f: &Facts<'_>) -> bool {
    match cfg.policy {
        GatewayPolicy::All => true,
        GatewayPolicy::Attachments => f.has_attachment,
        GatewayPolicy::Tagged => untagged(f.subject, &cfg.tag).is_some(),
        GatewayPolicy::External => f.recipients.iter().any(|r| !internal(r, cfg)),
    }
}

fn internal(address: &str, cfg: &Gateway) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    cfg.internal_domains.iter().any(|d| {
        d.trim()
            .trim_start_matches('@')
            .eq_ignore_ascii_case(domain)
    })
}

/// The subject without the tag when it starts with it (case-insensitive, after spaces).
pub fn untagged(subject: &str, tag: &str) -> Option<String> {
    let s = subject.trim_start();
    let tag = tag.trim();
    if tag.is_empty() {
        return None;
    }
    let head = s.get(..tag.len())?;
    head.eq_ignore_ascii_case(tag)
        .then(|| s[tag.len()..].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(policy: GatewayPolicy) -> Gateway {
        Gateway {
            policy,
            internal_domains: vec!["cabinet.fr".into(), "@partenaire.be".into()],
            ..Gateway::default()
        }
    }

    fn facts<'a>(subject: &'a str, to: &'a [String], att: bool) -> Facts<'a> {
        Facts {
            subject,
            recipients: to,
            has_attachment: att,
        }
    }

    #[test]
    fn each_rule_decides() {
        let inside = vec!["a@cabinet.fr".to_owned(), "b@PARTENAIRE.be".to_owned()];
        let outside = vec!["a@cabinet.fr".to_owned(), "c@client.fr".to_owned()];
        assert!(secure(
            &cfg(GatewayPolicy::All),
            &facts("x", &inside, false)
        ));
        let att = cfg(GatewayPolicy::Attachments);
        assert!(secure(&att, &facts("x", &inside, true)));
        assert!(!secure(&att, &facts("x", &inside, false)));
        let tag = cfg(GatewayPolicy::Tagged);
        assert!(secure(
            &tag,
            &facts(" [Confidentiel] Projet", &inside, false)
        ));
        assert!(!secure(
            &tag,
            &facts("Projet [confidentiel]", &inside, false)
        ));
        let ext = cfg(GatewayPolicy::External);
        assert!(secure(&ext, &facts("x", &outside, false)));
        assert!(!secure(&ext, &facts("x", &inside, false)));
    }

    #[test]
    fn the_tag_is_removed_from_the_subject() {
        assert_eq!(
            untagged("[confidentiel]  Projet d'acte", "[confidentiel]").as_deref(),
            Some("Projet d'acte")
        );
        assert_eq!(untagged("Réunion", "[confidentiel]"), None);
        assert_eq!(untagged("é", "[confidentiel]"), None);
    }
}
