use ascii::AsciiString;

use std::io::Error as IoError;
use std::io::Result as IoResult;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::connection::ConnState;

use crate::common::{HTTPVersion, Method};
use crate::util::RefinedTcpStream;
use crate::util::{BodyEnd, SequentialReader, SequentialReaderBuilder, SequentialWriterBuilder};
use crate::Request;

/// A ClientConnection is an object that will store a socket to a client
/// and return Request objects.
pub struct ClientConnection {
    // address of the client
    remote_addr: IoResult<Option<SocketAddr>>,

    // sequence of Readers to the stream, so that the data is not read in
    //  the wrong order
    source: SequentialReaderBuilder<BufReader<RefinedTcpStream>>,

    // sequence of Writers to the stream, to avoid writing response #2 before
    //  response #1
    sink: SequentialWriterBuilder<BufWriter<RefinedTcpStream>>,

    // Reader to read the next header from
    next_header_source: SequentialReader<BufReader<RefinedTcpStream>>,

    // set to true if we know that the previous request is the last one
    no_more_requests: bool,

    // true if the connection goes through SSL
    secure: bool,

    // shared with the socket handles: carries the read deadline for request heads
    state: Arc<ConnState>,

    // time allowed to wait for a request's first byte, then for its whole head
    header_timeout: Duration,

    // maximum size of request line + headers
    max_header_bytes: usize,

    // whether the body of the last request returned was read to its end; if not when it is
    // done with, the connection is closed (see `BodyEnd`)
    last_body: Option<BodyEnd>,
}

/// Maximum number of header lines in a request; more is answered with 431.
pub(crate) const MAX_HEADERS: usize = 100;

/// Capacity of the buffered reader over the socket (request heads and bodies).
const READ_BUFFER: usize = 16 * 1024;

/// Capacity of the buffered writer over the socket; larger writes go straight to the socket.
const WRITE_BUFFER: usize = 64 * 1024;

/// Error that can happen when reading a request.
#[derive(Debug)]
enum ReadError {
    WrongRequestLine,
    WrongHeader(HTTPVersion),
    /// the client sent an unrecognized `Expect` header
    ExpectationFailed(HTTPVersion),
    /// request line + headers over `max_header_bytes`, or more than `MAX_HEADERS` headers
    HeaderTooLarge,
    /// no byte of a new request arrived within the header timeout (idle keep-alive)
    Idle,
    /// the head does not delimit the body unambiguously (`framing`): 400, close
    BadFraming(HTTPVersion),
    /// a transfer coding other than chunked: 501, close
    UnsupportedCoding(HTTPVersion),
    /// the previous request was answered without reading its whole body: close
    BodyLeftUnread,
    ReadIoError(IoError),
}

impl ClientConnection {
    /// Creates a new `ClientConnection` that takes ownership of the `TcpStream`.
    pub(crate) fn new(
        write_socket: RefinedTcpStream,
        mut read_socket: RefinedTcpStream,
        state: Arc<ConnState>,
        header_timeout: Duration,
        max_header_bytes: usize,
    ) -> ClientConnection {
        let remote_addr = read_socket.peer_addr();
        let secure = read_socket.secure();

        let mut source =
            SequentialReaderBuilder::new(BufReader::with_capacity(READ_BUFFER, read_socket));
        // the builder's iterator never ends
        let first_header = source.next().unwrap();

        ClientConnection {
            source,
            sink: SequentialWriterBuilder::new(BufWriter::with_capacity(
                WRITE_BUFFER,
                write_socket,
            )),
            remote_addr,
            next_header_source: first_header,
            no_more_requests: false,
            secure,
            state,
            header_timeout,
            max_header_bytes,
            last_body: None,
        }
    }

    /// Sends an error response on a connection that is about to be closed: with
    /// `Connection: close`, flushed, then the client's pending input is drained for a short
    /// while so that closing the socket does not reset the connection (an RST would make the
    /// client lose the response).
    fn send_error_and_close(&mut self, status: u16, version: HTTPVersion) {
        use crate::{Response, StatusCode};
        // the builder's iterator never ends
        let mut writer = self.sink.next().unwrap();
        let response = Response::new_empty(StatusCode(status)).with_connection_close();
        if response
            .raw_print(&mut writer, version, &[], false, None)
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
        drop(writer);
        self.linger_close();
    }

    /// Ends a connection whose last response has been written: our side is shut down first
    /// (the client sees the end at once; under TLS a close_notify is sent), then the
    /// client's pending input is read and dropped for up to 1 s / 1 MiB, so that closing the
    /// socket does not reset the connection (an RST would make the client lose the
    /// response). A body larger than that is not read: the connection is reset instead.
    fn linger_close(&mut self) {
        // the builder's iterator never ends; this writer's turn comes after every response
        let mut writer = self.sink.next().unwrap();
        let _ = writer.with_inner(|w| {
            w.flush()?;
            w.get_mut().shutdown_write()
        });
        drop(writer);

        let mut scratch = vec![0u8; 8192];
        let mut drained = 0usize;
        self.state
            .set_deadline(Some(Instant::now() + Duration::from_secs(1)));
        while drained < 1024 * 1024 {
            match self.next_header_source.read(&mut scratch) {
                Ok(0) | Err(_) => break,
                Ok(n) => drained += n,
            }
        }
    }

    /// Called when no further request will be read: if the last request's body may still
    /// be unread, waits until that request is done with it and, if it was left unread,
    /// closes gracefully instead of letting the socket reset under the response.
    fn close_after_last_request(&mut self) {
        if let Some(end) = self.last_body.take() {
            if end.is_reached() || self.next_header_source.wait_turn().is_err() {
                return;
            }
            if !end.is_reached() {
                self.linger_close();
            }
        }
    }

    /// true if the connection is HTTPS
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Reads the next line from self.next_header_source.
    ///
    /// Reads until `CRLF` is reached. The next read will start
    ///  at the first byte of the new line.
    ///
    /// `budget` is the number of head bytes still allowed; going over it is
    /// `ReadError::HeaderTooLarge`. When `first_line` is true, the header deadline is restarted
    /// at the first byte, and a timeout before any byte is `ReadError::Idle`.
    fn read_next_line(
        &mut self,
        budget: &mut usize,
        first_line: bool,
    ) -> Result<AsciiString, ReadError> {
        let mut buf = Vec::new();
        let mut prev_byte_was_cr = false;

        loop {
            let byte = self.next_header_source.by_ref().bytes().next();

            let byte = match byte {
                Some(Ok(b)) => b,
                Some(Err(e)) if first_line && buf.is_empty() && e.kind() == ErrorKind::TimedOut => {
                    return Err(ReadError::Idle)
                }
                Some(Err(e)) => return Err(ReadError::ReadIoError(e)),
                None => {
                    return Err(ReadError::ReadIoError(IoError::new(
                        ErrorKind::ConnectionAborted,
                        "Unexpected EOF",
                    )))
                }
            };

            if first_line && buf.is_empty() {
                self.state.set_idle(false);
                // first byte of the request: the whole head must arrive within the timeout
                self.state
                    .set_deadline(Some(Instant::now() + self.header_timeout));
            }

            if *budget == 0 {
                return Err(ReadError::HeaderTooLarge);
            }
            *budget -= 1;

            if byte == b'\n' && prev_byte_was_cr {
                buf.pop(); // removing the '\r'
                return AsciiString::from_ascii(buf).map_err(|_| {
                    ReadError::ReadIoError(IoError::new(
                        ErrorKind::InvalidInput,
                        "Header is not in ASCII",
                    ))
                });
            }

            prev_byte_was_cr = byte == b'\r';

            buf.push(byte);
        }
    }

    /// Reads a request from the stream.
    /// Blocks until the header has been read.
    fn read(&mut self) -> Result<Request, ReadError> {
        // wait until the previous request's body is consumed, then start the idle timer
        self.next_header_source
            .wait_turn()
            .map_err(ReadError::ReadIoError)?;
        // the previous body left partly unread: the next request would start somewhere in it
        if let Some(end) = self.last_body.take() {
            if !end.is_reached() {
                return Err(ReadError::BodyLeftUnread);
            }
        }
        if self.state.draining() {
            // the server is stopping: no new request on this connection
            return Err(ReadError::Idle);
        }
        self.state.set_idle(true);
        self.state
            .set_deadline(Some(Instant::now() + self.header_timeout));
        let mut budget = self.max_header_bytes;

        let (method, path, version, headers) = {
            // reading the request line
            let (method, path, version) = {
                let line = self.read_next_line(&mut budget, true)?;

                parse_request_line(
                    line.as_str().trim(), // TODO: remove this conversion
                )?
            };

            // getting all headers
            let headers = {
                let mut headers = Vec::new();
                loop {
                    let line = self.read_next_line(&mut budget, false)?;

                    if line.is_empty() {
                        break;
                    };
                    if headers.len() >= MAX_HEADERS {
                        return Err(ReadError::HeaderTooLarge);
                    }
                    // patched: a line folded onto the previous one (obs-fold) is refused
                    // (RFC 9112 §5.2), not trimmed into a header of its own
                    if line
                        .as_bytes()
                        .first()
                        .map_or(false, |b| *b == b' ' || *b == b'\t')
                    {
                        return Err(ReadError::WrongHeader(version));
                    }
                    headers.push(match FromStr::from_str(line.as_str().trim()) {
                        // TODO: remove this conversion
                        Ok(h) => h,
                        _ => return Err(ReadError::WrongHeader(version)),
                    });
                }

                headers
            };

            (method, path, version, headers)
        };

        // the peer may already be gone (ENOTCONN): end the connection rather than panic
        let remote_addr = match self.remote_addr {
            Ok(addr) => addr,
            Err(ref e) => {
                return Err(ReadError::ReadIoError(IoError::new(
                    e.kind(),
                    e.to_string(),
                )))
            }
        };

        // building the writer for the request
        let writer = self.sink.next().unwrap();

        // follow-up for next potential request
        let mut data_source = self.source.next().unwrap();
        std::mem::swap(&mut self.next_header_source, &mut data_source);

        // building the next reader
        let mut request = crate::request::new_request(
            self.secure,
            method,
            path,
            version.clone(),
            headers,
            remote_addr,
            data_source,
            writer,
        )
        .map_err(|e| {
            use crate::request;
            match e {
                request::RequestCreationError::CreationIoError(e) => ReadError::ReadIoError(e),
                request::RequestCreationError::ExpectationFailed => {
                    ReadError::ExpectationFailed(version)
                }
                request::RequestCreationError::BadFraming => ReadError::BadFraming(version),
                request::RequestCreationError::UnsupportedTransferCoding => {
                    ReadError::UnsupportedCoding(version)
                }
            }
        })?;
        self.last_body = Some(request.body_end());
        request.close_when_draining(self.state.draining_flag());

        // the head (and a small body read eagerly) has arrived; body reads by the handler
        // are only bounded by the per-read timeout
        self.state.set_deadline(None);

        // return the request
        Ok(request)
    }
}

impl Iterator for ClientConnection {
    type Item = Request;

    /// Blocks until the next Request is available.
    /// Returns None when no new Requests will come from the client.
    fn next(&mut self) -> Option<Request> {
        use crate::{Response, StatusCode};

        // the client sent a "connection: close" header in this previous request
        //  or is using HTTP 1.0, meaning that no new request will come
        if self.no_more_requests {
            self.close_after_last_request();
            return None;
        }

        loop {
            let rq = match self.read() {
                Err(ReadError::WrongRequestLine) => {
                    self.send_error_and_close(400, HTTPVersion(1, 1));
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::WrongHeader(ver)) => {
                    self.send_error_and_close(400, ver);
                    return None; // we don't know where the next request would start,
                                 // se we have to close
                }

                Err(ReadError::HeaderTooLarge) => {
                    self.send_error_and_close(431, HTTPVersion(1, 1));
                    return None;
                }

                // idle keep-alive connection (or one that never sent a byte): close silently
                Err(ReadError::Idle) => return None,

                Err(ReadError::ReadIoError(ref err)) if err.kind() == ErrorKind::TimedOut => {
                    // request timeout
                    self.send_error_and_close(408, HTTPVersion(1, 1));
                    return None; // closing the connection
                }

                Err(ReadError::BadFraming(ver)) => {
                    self.send_error_and_close(400, ver);
                    return None; // where the body ends, hence the next request, is unknown
                }

                Err(ReadError::UnsupportedCoding(ver)) => {
                    self.send_error_and_close(501, ver);
                    return None;
                }

                // answered early: the rest of the body is not read
                Err(ReadError::BodyLeftUnread) => {
                    self.linger_close();
                    return None;
                }

                Err(ReadError::ExpectationFailed(ver)) => {
                    self.send_error_and_close(417, ver);
                    return None; // TODO: should be recoverable, but needs handling in case of body
                }

                Err(ReadError::ReadIoError(_)) => return None,

                Ok(rq) => rq,
            };

            // checking HTTP version
            if *rq.http_version() > (1, 1) {
                let writer = self.sink.next().unwrap();
                let response = Response::from_string(
                    "This server only supports HTTP versions 1.0 and 1.1".to_owned(),
                )
                .with_status_code(StatusCode(505));
                response
                    .raw_print(writer, HTTPVersion(1, 1), &[], false, None)
                    .ok();
                continue;
            }

            // updating the status of the connection
            let connection_header = rq
                .headers()
                .iter()
                .find(|h| h.field.equiv("Connection"))
                .map(|h| h.value.as_str());

            let lowercase = connection_header.map(|h| h.to_ascii_lowercase());

            match lowercase {
                Some(ref val) if val.contains("close") => self.no_more_requests = true,
                Some(ref val) if val.contains("upgrade") => self.no_more_requests = true,
                Some(ref val)
                    if !val.contains("keep-alive") && *rq.http_version() == HTTPVersion(1, 0) =>
                {
                    self.no_more_requests = true
                }
                None if *rq.http_version() == HTTPVersion(1, 0) => self.no_more_requests = true,
                _ => (),
            };

            // returning the request
            return Some(rq);
        }
    }
}

/// Parses a "HTTP/1.1" string.
fn parse_http_version(version: &str) -> Result<HTTPVersion, ReadError> {
    let (major, minor) = match version {
        "HTTP/0.9" => (0, 9),
        "HTTP/1.0" => (1, 0),
        "HTTP/1.1" => (1, 1),
        "HTTP/2.0" => (2, 0),
        "HTTP/3.0" => (3, 0),
        _ => return Err(ReadError::WrongRequestLine),
    };

    Ok(HTTPVersion(major, minor))
}

/// Parses the request line of the request.
/// eg. GET / HTTP/1.1
fn parse_request_line(line: &str) -> Result<(Method, String, HTTPVersion), ReadError> {
    let mut parts = line.split(' ');

    let method = parts.next().and_then(|w| w.parse().ok());
    let path = parts.next().map(ToOwned::to_owned);
    let version = parts.next().and_then(|w| parse_http_version(w).ok());

    method
        .and_then(|method| Some((method, path?, version?)))
        .ok_or(ReadError::WrongRequestLine)
}

#[cfg(test)]
mod test {
    #[test]
    fn test_parse_request_line() {
        let (method, path, ver) = super::parse_request_line("GET /hello HTTP/1.1").unwrap();

        assert!(method == crate::Method::Get);
        assert!(path == "/hello");
        assert!(ver == crate::common::HTTPVersion(1, 1));

        assert!(super::parse_request_line("GET /hello").is_err());
        assert!(super::parse_request_line("qsd qsd qsd").is_err());
    }
}
