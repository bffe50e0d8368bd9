//! HTTPS: the service's certificate and key from PEM files, and optionally the CA that
//! client certificates must be signed by (mutual TLS). Feature `tls`.

use std::{fmt, io, path::Path, path::PathBuf, sync::Arc};

use rustls::{
    RootCertStore, ServerConfig,
    crypto::CryptoProvider,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::WebPkiClientVerifier,
};

/// The TLS settings of a service: its certificate chain and private key, and optionally
/// the certificate authorities that client certificates must be signed by.
///
/// rustls with the `ring` provider (no OpenSSL); TLS 1.2 and 1.3 with rustls' safe
/// defaults; HTTP/1.1 and HTTP/2 by ALPN.
///
/// ```no_run
/// # async fn run(functions: statefun::Functions) -> Result<(), Box<dyn std::error::Error>> {
/// use statefun::actix::{Endpoint, Server, TlsConfig};
///
/// let tls = TlsConfig::from_pem_files("certs/service.pem", "certs/service.key")?
///     // Only clients with a certificate signed by this CA may call (mutual TLS).
///     .with_client_ca("certs/cluster-ca.pem")?;
/// Server::new(Endpoint::new(functions)).bind_tls(("0.0.0.0", 8443), &tls)?.run().await?;
/// # Ok(())
/// # }
/// ```
///
/// Everything is read and checked when the `TlsConfig` is built, so a missing file or a
/// key that does not match the certificate is reported before the service starts.
#[derive(Clone)]
pub struct TlsConfig {
    certs: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
    client_roots: Option<Arc<RootCertStore>>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("certs", &self.certs.len())
            .field("key", &"<hidden>")
            .field(
                "client_cas",
                &self.client_roots.as_ref().map(|roots| roots.len()),
            )
            .finish()
    }
}

/// Why a [`TlsConfig`] cannot be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file (or PEM text) has no item of the expected kind, or a broken one.
    #[error("no valid PEM {expected}{}: {source}", path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default())]
    Pem {
        /// What was expected: `certificate`, `private key` or `CA certificate`.
        expected: &'static str,
        /// The file, if the PEM came from one.
        path: Option<PathBuf>,
        /// What the PEM parser said.
        source: rustls::pki_types::pem::Error,
    },
    /// rustls refused the settings (e.g. the key does not match the certificate, or a
    /// CA certificate is invalid).
    #[error("invalid TLS settings: {0}")]
    Rustls(#[source] rustls::Error),
    /// The client-certificate verifier cannot be built from the CA certificates.
    #[error("invalid client CA certificates: {0}")]
    ClientVerifier(#[source] rustls::server::VerifierBuilderError),
}

impl From<TlsError> for io::Error {
    fn from(e: TlsError) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, e)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

fn pem_error(
    expected: &'static str,
    path: Option<&Path>,
) -> impl FnOnce(rustls::pki_types::pem::Error) -> TlsError {
    move |source| TlsError::Pem {
        expected,
        path: path.map(Path::to_owned),
        source,
    }
}

fn certificates(
    pem: &[u8],
    expected: &'static str,
    path: Option<&Path>,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem_error(expected, path))?;
    if certs.is_empty() {
        return Err(pem_error(expected, path)(
            rustls::pki_types::pem::Error::NoItemsFound,
        ));
    }
    Ok(certs)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsConfig {
    /// The service's certificate chain (PEM, the service's certificate first, then any
    /// intermediates) and its private key (PEM: PKCS#8, PKCS#1 or SEC1), from files.
    pub fn from_pem_files(
        cert_chain: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Result<Self, TlsError> {
        let (cert_path, key_path) = (cert_chain.as_ref(), key.as_ref());
        let certs = certificates(&read(cert_path)?, "certificate", Some(cert_path))?;
        let key = PrivateKeyDer::from_pem_slice(&read(key_path)?)
            .map_err(pem_error("private key", Some(key_path)))?;
        Self::new(certs, key)
    }

    /// Like [`TlsConfig::from_pem_files`], from PEM text in memory.
    pub fn from_pem(cert_chain: &[u8], key: &[u8]) -> Result<Self, TlsError> {
        let certs = certificates(cert_chain, "certificate", None)?;
        let key = PrivateKeyDer::from_pem_slice(key).map_err(pem_error("private key", None))?;
        Self::new(certs, key)
    }

    fn new(
        certs: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, TlsError> {
        let config = Self {
            certs,
            key: Arc::new(key),
            client_roots: None,
        };
        // Checks that the key is usable and matches the certificate.
        config.server_config()?;
        Ok(config)
    }

    /// Requires every client to present a certificate signed by one of the CA
    /// certificates in this PEM file (mutual TLS); a client without one, or with another,
    /// fails the handshake. Call it again to trust more CAs.
    pub fn with_client_ca(self, ca_certs: impl AsRef<Path>) -> Result<Self, TlsError> {
        let path = ca_certs.as_ref();
        let certs = certificates(&read(path)?, "CA certificate", Some(path))?;
        self.trust(certs)
    }

    /// Like [`TlsConfig::with_client_ca`], from PEM text in memory.
    pub fn with_client_ca_pem(self, ca_certs: &[u8]) -> Result<Self, TlsError> {
        let certs = certificates(ca_certs, "CA certificate", None)?;
        self.trust(certs)
    }

    fn trust(mut self, certs: Vec<CertificateDer<'static>>) -> Result<Self, TlsError> {
        let mut roots = self
            .client_roots
            .take()
            .map(Arc::unwrap_or_clone)
            .unwrap_or_else(RootCertStore::empty);
        for cert in certs {
            roots.add(cert).map_err(TlsError::Rustls)?;
        }
        self.client_roots = Some(Arc::new(roots));
        self.server_config()?;
        Ok(self)
    }

    /// Whether clients must present a certificate ([`TlsConfig::with_client_ca`]).
    pub fn requires_client_certificate(&self) -> bool {
        self.client_roots.is_some()
    }

    /// The rustls server configuration, for serving an [`Endpoint`](crate::Endpoint) in
    /// your own `HttpServer` with `bind_rustls_0_23` or `listen_rustls_0_23`.
    pub fn server_config(&self) -> Result<ServerConfig, TlsError> {
        let provider = provider();
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Rustls)?;
        let builder = match &self.client_roots {
            Some(roots) => {
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::clone(roots), provider)
                        .build()
                        .map_err(TlsError::ClientVerifier)?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        builder
            .with_single_cert(self.certs.clone(), self.key.clone_key())
            .map_err(TlsError::Rustls)
    }
}
