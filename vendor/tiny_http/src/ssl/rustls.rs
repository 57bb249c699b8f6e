use crate::connection::GuardedConnection;
use crate::util::refined_tcp_stream::Stream as RefinedStream;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::error::Error;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use zeroize::Zeroizing;

type Inner = rustls::StreamOwned<rustls::ServerConnection, GuardedConnection>;

/// A wrapper around an owned Rustls connection and corresponding stream.
///
/// Uses an internal Mutex to permit disparate reader & writer threads to access the stream independently.
pub(crate) struct RustlsStream(Arc<Mutex<Inner>>);

impl RustlsStream {
    /// Locks the stream. A poisoned lock (a thread panicked while holding it) is an I/O error:
    /// the TLS state may be inconsistent, so the connection must not be used any more.
    fn lock(&self) -> std::io::Result<MutexGuard<'_, Inner>> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("TLS stream mutex poisoned"))
    }

    pub(crate) fn peer_addr(&mut self) -> std::io::Result<Option<SocketAddr>> {
        self.lock()?.sock.peer_addr()
    }

    pub(crate) fn shutdown(&mut self, how: Shutdown) -> std::io::Result<()> {
        let mut stream = self.lock()?;
        if how != Shutdown::Read && !stream.conn.is_handshaking() {
            // best effort close_notify (writes only, bounded by the write timeout), so that
            // clients can tell a truncation from the end of the stream
            let stream = &mut *stream;
            stream.conn.send_close_notify();
            while stream.conn.wants_write() {
                match stream.conn.write_tls(&mut stream.sock) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
        stream.sock.shutdown(how)
    }
}

impl Clone for RustlsStream {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl Read for RustlsStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.lock()?.read(buf)
    }
}

impl Write for RustlsStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.lock()?.flush()
    }
}

pub(crate) struct RustlsContext(Arc<rustls::ServerConfig>);

impl RustlsContext {
    /// Wraps a configuration built by the application.
    pub(crate) fn from_config(config: Arc<rustls::ServerConfig>) -> Self {
        Self(config)
    }

    pub(crate) fn config(&self) -> Arc<rustls::ServerConfig> {
        self.0.clone()
    }

    /// Builds a configuration (ring provider, safe default protocol versions, no client auth)
    /// from a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub(crate) fn from_pem(
        certificates: Vec<u8>,
        private_key: Zeroizing<Vec<u8>>,
    ) -> Result<Self, Box<dyn Error + Send + Sync>> {
        let certificate_chain = CertificateDer::pem_slice_iter(&certificates)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("invalid certificate PEM: {}", e))?;

        if certificate_chain.is_empty() {
            return Err("Couldn't extract certificate chain from config.".into());
        }

        let private_key = PrivateKeyDer::from_pem_slice(&private_key).map_err(|e| {
            format!(
                "invalid private key PEM (encrypted keys are not supported): {}",
                e
            )
        })?;

        let tls_conf = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certificate_chain, private_key)?;

        Ok(Self(Arc::new(tls_conf)))
    }

    /// Creates the server side of a TLS connection. This does no I/O: the handshake is driven
    /// lazily by the first read or write, i.e. on the connection's own thread, never on the
    /// accept thread.
    pub(crate) fn accept(
        &self,
        stream: GuardedConnection,
    ) -> Result<RustlsStream, Box<dyn Error + Send + Sync + 'static>> {
        let connection = rustls::ServerConnection::new(self.0.clone())?;
        Ok(RustlsStream(Arc::new(Mutex::new(
            rustls::StreamOwned::new(connection, stream),
        ))))
    }
}

impl From<RustlsStream> for RefinedStream {
    fn from(stream: RustlsStream) -> Self {
        Self::Https(stream)
    }
}
