//! The replies to a message the gateway refuses: an SMTP code and a text that a person can
//! act on in Outlook's error dialog (the detail goes to the log, ids only).

use crate::gateway::ingest::IngestError;

/// The reply to a refused message.
pub fn refusal(e: &IngestError) -> (u16, String) {
    let (code, text) = match e {
        IngestError::TooLarge => (
            552,
            "5.3.4 Message too large for a secure mail: send the large files from the Huis Clos web page",
        ),
        IngestError::Malformed => (
            554,
            "5.6.0 The message could not be read (malformed MIME); nothing was sent",
        ),
        IngestError::Empty => (554, "5.6.0 The message has no text and no file"),
        IngestError::TooManyFiles => (
            552,
            "5.3.4 Too many attachments for a secure mail (50 at most)",
        ),
        IngestError::BadRecipient => (553, "5.1.3 A recipient address is not valid"),
        IngestError::NoRelay => (
            554,
            "5.3.5 This mail would be passed on unchanged, but the box has no outgoing relay: ask your administrator",
        ),
        IngestError::Relay(e) => {
            log::warn!("gateway: relay refused a mail passed on: {e}");
            (
                451,
                "4.4.0 The outgoing relay did not take the mail: try again later",
            )
        }
        IngestError::Temporary(e) => {
            log::error!("gateway: mail not taken: {e}");
            (451, "4.3.0 Temporary failure on the box: try again later")
        }
    };
    (code, text.to_owned())
}
