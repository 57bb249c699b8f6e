//! One SMTP submission session (RFC 6409): EHLO, STARTTLS (RFC 3207), AUTH PLAIN/LOGIN
//! (RFC 4954) only under TLS, MAIL/RCPT/DATA with SIZE, 8BITMIME, SMTPUTF8 and PIPELINING.
//! Every reply is written at once, in order, so pipelined commands are answered as they are
//! read. The texts are meant for the error dialog of a mail client: they say what to do.
//!
//! The command layer is ours (about the size of mailin's): mailin 0.6 answers EHLO with a
//! fixed list (no SIZE, SMTPUTF8 or PIPELINING) and refuses MAIL FROM parameters (`SIZE=`,
//! `SMTPUTF8`) that Outlook and smtplib send.

use std::io::{self, BufReader, Write};
use std::net::{IpAddr, TcpStream};
use std::sync::Arc;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::domain::Core;
use crate::domain::accounts::signin::Outcome as Auth;
use crate::gateway::conn::{Conn, DataIn, read_chunk};
use crate::gateway::ingest::{self, Outcome};
use crate::gateway::replies::refusal;
use crate::store::accounts::Account;

/// Longest command line accepted (RFC 5321 says 512; AUTH PLAIN lines are longer).
const MAX_LINE: usize = 4096;

pub struct Session {
    pub core: Arc<Core>,
    pub tls: Arc<ServerConfig>,
    pub ip: IpAddr,
    pub name: String,
}

#[derive(Default)]
struct State {
    hello: bool,
    account: Option<Account>,
    from: Option<String>,
    to: Vec<String>,
}

type Reader = BufReader<Conn>;

fn reply(r: &mut Reader, code: u16, text: &str) -> io::Result<()> {
    let w = r.get_mut();
    w.write_all(format!("{code} {text}\r\n").as_bytes())?;
    w.flush()
}

fn tls_conn(cfg: &Arc<ServerConfig>, tcp: TcpStream) -> io::Result<Conn> {
    let c = ServerConnection::new(cfg.clone()).map_err(io::Error::other)?;
    Ok(Conn::Tls(Box::new(StreamOwned::new(c, tcp))))
}

impl Session {
    /// Serves the client on `tcp` until QUIT, a cut or a fatal error.
    pub fn run(&self, tcp: TcpStream, implicit_tls: bool) -> io::Result<()> {
        let conn = if implicit_tls {
            tls_conn(&self.tls, tcp)?
        } else {
            Conn::Plain(tcp)
        };
        let mut r = BufReader::with_capacity(64 * 1024, conn);
        reply(&mut r, 220, &format!("{} ESMTP Huis Clos", self.name))?;
        let mut st = State::default();
        let mut line = Vec::new();
        loop {
            read_chunk(&mut r, MAX_LINE, &mut line)?;
            if line.is_empty() {
                return Ok(());
            }
            if !line.ends_with(b"\n") {
                // Too long: skip to its end, then refuse it.
                while !line.is_empty() && !line.ends_with(b"\n") {
                    read_chunk(&mut r, MAX_LINE, &mut line)?;
                }
                reply(&mut r, 500, "5.5.2 Line too long")?;
                continue;
            }
            let text = String::from_utf8_lossy(&line).trim_end().to_owned();
            let (verb, arg) = match text.split_once(' ') {
                Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_owned()),
                None => (text.to_ascii_uppercase(), String::new()),
            };
            match verb.as_str() {
                "EHLO" | "HELO" => {
                    st = State {
                        hello: true,
                        account: st.account.take(),
                        ..State::default()
                    };
                    if verb == "HELO" {
                        reply(&mut r, 250, &self.name)?;
                    } else {
                        self.ehlo(&mut r)?;
                    }
                }
                "STARTTLS" => {
                    if r.get_ref().is_tls() {
                        reply(&mut r, 503, "5.5.1 TLS is already on")?;
                        continue;
                    }
                    // Anything sent after STARTTLS in clear would be taken as sent under
                    // TLS (RFC 3207 §5 "command injection"): refuse such a client.
                    if !r.buffer().is_empty() {
                        reply(&mut r, 501, "5.5.2 Nothing may follow STARTTLS")?;
                        return Ok(());
                    }
                    reply(&mut r, 220, "2.0.0 Ready to start TLS")?;
                    let Conn::Plain(tcp) = r.into_inner() else {
                        return Ok(());
                    };
                    r = BufReader::with_capacity(64 * 1024, tls_conn(&self.tls, tcp)?);
                    st = State::default();
                }
                "AUTH" => self.auth(&mut r, &mut st, &arg)?,
                "MAIL" => self.mail(&mut r, &mut st, &arg)?,
                "RCPT" => self.rcpt(&mut r, &mut st, &arg)?,
                "DATA" => self.data(&mut r, &mut st)?,
                "RSET" => {
                    st.from = None;
                    st.to.clear();
                    reply(&mut r, 250, "2.0.0 OK")?;
                }
                "NOOP" => reply(&mut r, 250, "2.0.0 OK")?,
                "VRFY" => reply(&mut r, 252, "2.5.0 Cannot verify")?,
                "QUIT" => {
                    reply(&mut r, 221, "2.0.0 Bye")?;
                    return Ok(());
                }
                _ => reply(&mut r, 500, "5.5.2 Command not recognised")?,
            }
        }
    }

    fn ehlo(&self, r: &mut Reader) -> io::Result<()> {
        let mut lines = vec![
            self.name.clone(),
            "PIPELINING".into(),
            format!("SIZE {}", ingest::max_bytes(&self.core)),
            "8BITMIME".into(),
            "SMTPUTF8".into(),
            "ENHANCEDSTATUSCODES".into(),
        ];
        if r.get_ref().is_tls() {
            lines.push("AUTH PLAIN LOGIN".into());
        } else {
            lines.push("STARTTLS".into());
        }
        let mut out = String::new();
        for (i, l) in lines.iter().enumerate() {
            let sep = if i + 1 == lines.len() { ' ' } else { '-' };
            out.push_str(&format!("250{sep}{l}\r\n"));
        }
        let w = r.get_mut();
        w.write_all(out.as_bytes())?;
        w.flush()
    }

    fn auth(&self, r: &mut Reader, st: &mut State, arg: &str) -> io::Result<()> {
        if !r.get_ref().is_tls() {
            return reply(
                r,
                530,
                "5.7.0 Secure the connection first: turn on STARTTLS (or SSL/TLS on port 465)",
            );
        }
        if st.account.is_some() {
            return reply(r, 503, "5.5.1 Already signed in");
        }
        let (mech, initial) = match arg.split_once(' ') {
            Some((m, i)) => (m.to_ascii_uppercase(), Some(i.trim().to_owned())),
            None => (arg.to_ascii_uppercase(), None),
        };
        let creds = match mech.as_str() {
            "PLAIN" => {
                let resp = match initial {
                    Some(i) => i,
                    None => match challenge(r, "")? {
                        Some(s) => s,
                        None => return Ok(()),
                    },
                };
                crate::gateway::auth::plain(&resp)
            }
            "LOGIN" => {
                let user = match initial {
                    Some(i) => Some(i),
                    None => challenge(r, "VXNlcm5hbWU6")?,
                };
                let Some(user) = user else { return Ok(()) };
                let Some(pass) = challenge(r, "UGFzc3dvcmQ6")? else {
                    return Ok(());
                };
                crate::gateway::auth::login(&user, &pass)
            }
            _ => return reply(r, 504, "5.5.4 Use AUTH PLAIN or AUTH LOGIN"),
        };
        let Some((user, pass)) = creds else {
            return reply(r, 501, "5.5.2 Malformed credentials");
        };
        let outcome = crate::domain::accounts::app_passwords::authenticate(
            &self.core,
            &user,
            &pass,
            &self.ip.to_string(),
        );
        match outcome {
            Ok(Auth::Signed(a)) => {
                log::info!("gateway: account {} signed in", a.id);
                st.account = Some(a);
                reply(r, 235, "2.7.0 Signed in")
            }
            Ok(Auth::Wait(secs)) => reply(
                r,
                454,
                &format!("4.7.0 Too many failed sign-ins: wait {secs} seconds before trying again"),
            ),
            Ok(Auth::Locked(secs) | Auth::NetworkLocked(secs)) => reply(
                r,
                454,
                &format!(
                    "4.7.0 Sign-in locked for {} minutes after repeated failures; the account owner was told by mail",
                    secs.div_ceil(60)
                ),
            ),
            Ok(_) => reply(
                r,
                535,
                "5.7.8 Wrong address or app password. Use an app password made on your Huis Clos account page (Mon compte), not your account password",
            ),
            Err(e) => {
                log::error!("gateway: sign-in not checked: {e}");
                reply(r, 454, "4.7.0 Temporary failure, try again later")
            }
        }
    }

    fn mail(&self, r: &mut Reader, st: &mut State, arg: &str) -> io::Result<()> {
        let Some(a) = &st.account else {
            return reply(
                r,
                530,
                "5.7.0 Sign in first: set your address and app password in your mail client",
            );
        };
        if !st.hello {
            return reply(r, 503, "5.5.1 Say EHLO first");
        }
        if st.from.is_some() {
            return reply(r, 503, "5.5.1 Sender already given");
        }
        let Some((path, params)) = path_of(arg, "FROM:") else {
            return reply(r, 501, "5.5.4 Syntax: MAIL FROM:<address>");
        };
        for p in params.split_whitespace() {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            match k.to_ascii_uppercase().as_str() {
                "SIZE" => {
                    if v.parse::<u64>()
                        .is_ok_and(|n| n > ingest::max_bytes(&self.core))
                    {
                        return reply(
                            r,
                            552,
                            "5.3.4 Message too large for a secure mail: send the large files from the Huis Clos web page",
                        );
                    }
                }
                "BODY" | "SMTPUTF8" | "AUTH" => {}
                _ => return reply(r, 555, "5.5.4 Unsupported MAIL parameter"),
            }
        }
        if !path.eq_ignore_ascii_case(&a.email) {
            return reply(
                r,
                553,
                "5.7.1 You may only send from your own address (the one you sign in with)",
            );
        }
        st.from = Some(path);
        st.to.clear();
        reply(r, 250, "2.1.0 OK")
    }

    fn rcpt(&self, r: &mut Reader, st: &mut State, arg: &str) -> io::Result<()> {
        if st.from.is_none() {
            return reply(r, 503, "5.5.1 MAIL FROM first");
        }
        let Some((path, _)) = path_of(arg, "TO:") else {
            return reply(r, 501, "5.5.4 Syntax: RCPT TO:<address>");
        };
        if crate::domain::secure_mail::send::addresses(&path).map(|v| v.len()) != Ok(1) {
            return reply(r, 553, "5.1.3 This recipient address is not valid");
        }
        if st.to.len() >= crate::domain::secure_mail::MAX_RECIPIENTS {
            return reply(
                r,
                452,
                "4.5.3 Too many recipients: a secure mail goes to 20 addresses at most",
            );
        }
        if !st.to.iter().any(|t| t.eq_ignore_ascii_case(&path)) {
            st.to.push(path);
        }
        reply(r, 250, "2.1.5 OK")
    }

    fn data(&self, r: &mut Reader, st: &mut State) -> io::Result<()> {
        let Some(account) = st.account.clone() else {
            return reply(r, 530, "5.7.0 Sign in first");
        };
        if st.from.is_none() || st.to.is_empty() {
            return reply(r, 503, "5.5.1 MAIL FROM and RCPT TO first");
        }
        reply(r, 354, "Send the message; end with <CRLF>.<CRLF>")?;
        let to = std::mem::take(&mut st.to);
        st.from = None;
        let mut data = DataIn::new(r);
        let result = ingest::ingest(&self.core, &account, &to, &mut data);
        // Whatever happened, the rest of the message is read before answering.
        let drained = data.drain();
        if let Err(e) = drained {
            // The client went away mid-message: nothing was accepted.
            if let Ok(Outcome::Secure(id)) = result {
                log::warn!("gateway: mail {id} made, but the client left before the reply");
            }
            return Err(e);
        }
        let (code, text) = match result {
            Ok(Outcome::Secure(id)) => (
                250,
                format!("2.0.0 Sent securely as a Huis Clos secure mail ({id})"),
            ),
            Ok(Outcome::Passed) => (250, "2.0.0 Passed on unchanged".into()),
            Err(e) => refusal(&e),
        };
        reply(r, code, &text)
    }
}

/// The address of `MAIL FROM:<a> params` / `RCPT TO:<a> params`, and the params.
fn path_of(arg: &str, prefix: &str) -> Option<(String, String)> {
    let head = arg.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let (path, params) = rest.split_once('>')?;
    Some((path.trim().to_owned(), params.trim().to_owned()))
}

/// Sends a 334 challenge and reads the answer; `None` when the client cancels (`*`).
fn challenge(r: &mut Reader, prompt: &str) -> io::Result<Option<String>> {
    reply(r, 334, prompt)?;
    let mut line = Vec::new();
    read_chunk(r, MAX_LINE, &mut line)?;
    let s = String::from_utf8_lossy(&line).trim().to_owned();
    if s == "*" {
        reply(r, 501, "5.0.0 Sign-in cancelled")?;
        return Ok(None);
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_parameters() {
        assert_eq!(
            path_of("FROM:<a@x.fr> SIZE=10 BODY=8BITMIME", "FROM:"),
            Some(("a@x.fr".into(), "SIZE=10 BODY=8BITMIME".into()))
        );
        assert_eq!(
            path_of("to: <b@y.fr>", "TO:"),
            Some(("b@y.fr".into(), String::new()))
        );
        assert_eq!(path_of("FROM:a@x.fr", "FROM:"), None);
        assert_eq!(path_of("é", "FROM:"), None);
    }
}
