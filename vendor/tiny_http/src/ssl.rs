//! TLS support. Only Rustls (0.23, ring provider) is supported; the OpenSSL backend was removed
//! (see vendor/PATCHES.md).
//!
//! The implementation is re-exported as [`SslContextImpl`] and [`SslStream`].

#[cfg(feature = "ssl-rustls")]
pub(crate) mod rustls;
#[cfg(feature = "ssl-rustls")]
pub(crate) use self::rustls::RustlsContext as SslContextImpl;
#[cfg(feature = "ssl-rustls")]
pub(crate) use self::rustls::RustlsStream as SslStream;
