//! `From` and `To` header fields whose display names every mail client reads back intact.
//!
//! # Overview
//!
//! lettre encodes a long display name as several RFC 2047 encoded-words cut at a byte count,
//! often inside a word ("…— A" / "vocats…"). RFC 2047 decoders join adjacent encoded-words,
//! but others (Python's `email` among them) keep the space between them, and the firm is shown
//! as "A vocats". [`mailbox_field`] writes the name word by word instead: words that are plain
//! atoms (ASCII letters, digits and `atext` signs) stay as they are, and each run of other
//! words becomes one encoded-word (base64 UTF-8, at most 75 characters, RFC 2047 §2) holding
//! the spaces inside the run. A run is cut only between words, the space kept at the end of
//! the first encoded-word, so a reader of either kind sees the words whole. The field is
//! folded at spaces to stay under 78 characters a line where it can.

use data_encoding::BASE64;
use lettre::message::Mailbox;
use lettre::message::header::{HeaderName, HeaderValue};

/// The most UTF-8 bytes in one encoded-word: `=?utf-8?b?` + base64 of 45 bytes (60) + `?=`
/// is 72 characters, under the 75 of RFC 2047 §2.
const EW_BYTES: usize = 45;
/// Fold lines longer than this (RFC 5322 §2.1.1 recommends 78 with the CRLF).
const LINE: usize = 76;

/// The header field `name` (`From`, `To`) for `mailbox`, encoded as above. lettre keeps the
/// plain form for its own parsing (the envelope is taken from it) and writes ours.
pub fn mailbox_field(name: &'static str, mailbox: &Mailbox) -> HeaderValue {
    let header = HeaderName::new_from_ascii_str(name);
    // With no display name, the bare address (as lettre writes it).
    let tokens = match mailbox.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => {
            let mut t = display_tokens(n);
            t.push(format!("<{}>", mailbox.email));
            t
        }
        _ => vec![mailbox.email.to_string()],
    };
    HeaderValue::dangerous_new_pre_encoded(header, mailbox.to_string(), fold(name, &tokens))
}

/// A plain atom of RFC 5322 §3.2.3 (not a word that looks like an encoded-word).
fn is_atom(word: &str) -> bool {
    !word.is_empty()
        && !word.starts_with("=?")
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
}

/// The display name as atoms and encoded-words, in order.
fn display_tokens(name: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for word in name.split_whitespace() {
        if is_atom(word) {
            encode_run(&run, &mut tokens);
            run.clear();
            tokens.push(word.to_owned());
        } else {
            run.push(word);
        }
    }
    encode_run(&run, &mut tokens);
    tokens
}

/// Encodes a run of words, cut between words when one encoded-word cannot hold it; a word
/// too long for one on its own is cut between characters (no reader can do better then).
fn encode_run(run: &[&str], tokens: &mut Vec<String>) {
    let mut chunk = String::new();
    for (i, word) in run.iter().enumerate() {
        let text = if i + 1 < run.len() {
            format!("{word} ")
        } else {
            (*word).to_owned()
        };
        if !chunk.is_empty() && chunk.len() + text.len() > EW_BYTES {
            tokens.push(encoded_word(&chunk));
            chunk.clear();
        }
        for c in text.chars() {
            if chunk.len() + c.len_utf8() > EW_BYTES {
                tokens.push(encoded_word(&chunk));
                chunk.clear();
            }
            chunk.push(c);
        }
    }
    if !chunk.is_empty() {
        tokens.push(encoded_word(&chunk));
    }
}

fn encoded_word(text: &str) -> String {
    format!("=?utf-8?b?{}?=", BASE64.encode(text.as_bytes()))
}

/// Tokens joined by spaces, a line break (CRLF and a space) instead of a space where the
/// line would grow past [`LINE`].
fn fold(name: &str, tokens: &[String]) -> String {
    let mut out = String::new();
    let mut line = name.len() + 2;
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            if line + 1 + t.len() > LINE {
                out.push_str("\r\n ");
                line = 1;
            } else {
                out.push(' ');
                line += 1;
            }
        }
        out.push_str(t);
        line += t.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(token: &str) -> String {
        let b64 = token
            .trim_start_matches("=?utf-8?b?")
            .trim_end_matches("?=");
        String::from_utf8(BASE64.decode(b64.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn words_stay_whole_and_plain_words_stay_plain() {
        let name = "Cabinet Dupré, Lefèvre & Associés — Avocats au Barreau de Paris et de Créteil";
        let tokens = display_tokens(name);
        assert_eq!(tokens[0], "Cabinet");
        assert_eq!(decode(&tokens[1]), "Dupré, Lefèvre");
        assert_eq!(tokens[2], "&");
        assert_eq!(decode(&tokens[3]), "Associés —");
        let joined: Vec<String> = tokens
            .iter()
            .map(|t| {
                if t.starts_with("=?") {
                    decode(t)
                } else {
                    t.clone()
                }
            })
            .collect();
        assert_eq!(joined.join(" "), name);
    }

    #[test]
    fn a_long_run_is_cut_between_words_with_the_space_inside() {
        let tokens =
            display_tokens("Éléonore-Françoise Ñúñez-Ålvarez d’Auvergne-Montmorency, née Müller");
        assert!(tokens.len() > 1);
        assert!(tokens.iter().all(|t| t.len() <= 75));
        assert!(decode(&tokens[0]).ends_with(' '), "{tokens:?}");
        let text: String = tokens.iter().map(|t| decode(t)).collect();
        assert_eq!(
            text,
            "Éléonore-Françoise Ñúñez-Ålvarez d’Auvergne-Montmorency, née Müller"
        );
    }

    #[test]
    fn the_field_folds_and_keeps_a_parseable_plain_form() {
        let m = Mailbox::new(
            Some("Cabinet Dupré, Lefèvre & Associés — Avocats au Barreau de Paris".into()),
            "extranet@cabinet.example".parse().unwrap(),
        );
        let v = mailbox_field("From", &m);
        let mut h = lettre::message::header::Headers::new();
        h.insert_raw(v);
        let text = h.to_string();
        assert!(text.lines().all(|l| l.len() <= 78), "{text}");
        assert!(
            text.trim_end().ends_with("<extranet@cabinet.example>"),
            "{text}"
        );
        let parsed: lettre::message::header::From = h.get().unwrap();
        let back: lettre::message::Mailboxes = parsed.into();
        assert_eq!(back.into_single().unwrap(), m);
        // Quotes or angle brackets in a name are encoded, never written raw.
        let odd = Mailbox::new(Some("a\"b <c>".into()), "x@y.fr".parse().unwrap());
        let mut h = lettre::message::header::Headers::new();
        h.insert_raw(mailbox_field("To", &odd));
        assert!(!h.to_string().contains('"'), "{h}");
        let bare = Mailbox::new(None, "x@y.fr".parse().unwrap());
        let mut h = lettre::message::header::Headers::new();
        h.insert_raw(mailbox_field("To", &bare));
        assert_eq!(h.to_string(), "To: x@y.fr\r\n");
    }
}
