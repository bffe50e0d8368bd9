//! HTTPS and mutual TLS through the real server, with certificates generated here (a CA,
//! the service's certificate for 127.0.0.1, a client certificate of that CA and one of
//! another CA) and written to PEM files, as a deployment would have them.

use std::{
    net::{IpAddr, Ipv4Addr, TcpListener},
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
    time::Duration,
};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use statefun_actix::{Endpoint, TlsConfig, TlsError};
use statefun_core::Functions;
use statefun_test_support::greeter::{Greeter, greeting, seen_in};

// ---------------------------------------------------------------- certificates

/// PEM files in a fresh directory: `ca.pem`, `service.pem`/`service.key` (127.0.0.1),
/// `client.pem`/`client.key` (signed by the CA), `rogue.pem`/`rogue.key` (signed by
/// another CA).
fn certificates() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "statefun-tls-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();

    let ca = new_ca("statefun test CA");
    let other_ca = new_ca("another CA");
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();

    let mut service = CertificateParams::new(Vec::<String>::new()).unwrap();
    service
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    service.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    issue(&dir, "service", service, &ca);

    for (name, issuer) in [("client", &ca), ("rogue", &other_ca)] {
        let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
        client
            .distinguished_name
            .push(DnType::CommonName, "statefun runtime");
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        issue(&dir, name, client, issuer);
    }
    dir
}

fn new_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

fn issue(dir: &Path, name: &str, params: CertificateParams, ca: &CertifiedIssuer<'_, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
    std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
}

// ---------------------------------------------------------------- server and clients

/// Serves the greeter over HTTPS on an ephemeral loopback port; returns the port.
fn start(tls: TlsConfig) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let endpoint = Endpoint::new(Functions::new().with(Greeter));
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(async move {
                statefun_actix::Server::new(endpoint)
                    .listen_tls(listener, &tls)?
                    .run()
                    .await
            })
            .unwrap()
    });
    port
}

/// A client that trusts `dir/ca.pem`, presenting `dir/<cert>.pem` if given.
fn client(dir: &Path, cert: Option<&str>) -> ureq::Agent {
    use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts};
    let ca = std::fs::read(dir.join("ca.pem")).unwrap();
    let mut tls = ureq::tls::TlsConfig::builder().root_certs(RootCerts::new_with_certs(&[
        Certificate::from_pem(&ca).unwrap(),
    ]));
    if let Some(name) = cert {
        let chain = std::fs::read(dir.join(format!("{name}.pem"))).unwrap();
        let key = std::fs::read(dir.join(format!("{name}.key"))).unwrap();
        tls = tls.client_cert(Some(ClientCert::new_with_certs(
            &[Certificate::from_pem(&chain).unwrap()],
            PrivateKey::from_pem(&key).unwrap(),
        )));
    }
    ureq::Agent::config_builder()
        .tls_config(tls.build())
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// POSTs a greeting; the number of times seen, or the client's error.
fn post(agent: &ureq::Agent, url: &str, seen: i32) -> Result<i32, ureq::Error> {
    let mut response = agent
        .post(url)
        .header("content-type", "application/octet-stream")
        .send(&greeting("alice", Some(seen), &["hi"])[..])?;
    assert_eq!(response.status(), 200);
    Ok(seen_in(&response.body_mut().read_to_vec()?))
}

// ---------------------------------------------------------------- tests

#[test]
fn https_request_is_answered_and_plain_http_is_not() {
    let dir = certificates();
    let tls = TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("service.key")).unwrap();
    assert!(!tls.requires_client_certificate());
    let port = start(tls);

    let https = format!("https://127.0.0.1:{port}/statefun");
    assert_eq!(post(&client(&dir, None), &https, 1).unwrap(), 2);
    // A client certificate is not asked for, and does no harm.
    assert_eq!(post(&client(&dir, Some("client")), &https, 2).unwrap(), 3);

    let plain = format!("http://127.0.0.1:{port}/statefun");
    let error = post(&client(&dir, None), &plain, 1).unwrap_err();
    eprintln!("plain HTTP to the TLS port: {error}");

    // A client that does not trust the service's CA refuses it.
    let distrustful: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let error = post(&distrustful, &https, 1).unwrap_err();
    eprintln!("client without the CA: {error}");

    // Still serving.
    assert_eq!(post(&client(&dir, None), &https, 7).unwrap(), 8);
}

#[test]
fn with_a_client_ca_only_clients_with_a_certificate_of_that_ca_are_served() {
    let dir = certificates();
    let tls = TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("service.key"))
        .unwrap()
        .with_client_ca(dir.join("ca.pem"))
        .unwrap();
    assert!(tls.requires_client_certificate());
    let port = start(tls);
    let url = format!("https://127.0.0.1:{port}/statefun");

    assert_eq!(post(&client(&dir, Some("client")), &url, 1).unwrap(), 2);

    let error = post(&client(&dir, None), &url, 1).unwrap_err();
    eprintln!("client without a certificate: {error}");
    let error = post(&client(&dir, Some("rogue")), &url, 1).unwrap_err();
    eprintln!("client with a certificate of another CA: {error}");

    assert_eq!(post(&client(&dir, Some("client")), &url, 41).unwrap(), 42);
}

#[test]
fn configuration_errors_name_the_file_and_the_problem() {
    let dir = certificates();
    let missing = TlsConfig::from_pem_files(dir.join("nope.pem"), dir.join("service.key"));
    let error = missing.unwrap_err();
    assert!(matches!(error, TlsError::Read { .. }), "{error:?}");
    assert!(error.to_string().contains("nope.pem"), "{error}");

    // A key file given as the certificate: no certificate in it.
    let swapped = TlsConfig::from_pem_files(dir.join("service.key"), dir.join("service.key"));
    let error = swapped.unwrap_err();
    assert!(
        error.to_string().starts_with("no valid PEM certificate in")
            && error.to_string().contains("service.key"),
        "{error}"
    );

    // A certificate given as the key.
    let error =
        TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("service.pem")).unwrap_err();
    assert!(
        error.to_string().starts_with("no valid PEM private key in"),
        "{error}"
    );

    // The key of another certificate.
    let error =
        TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("client.key")).unwrap_err();
    assert!(matches!(error, TlsError::Rustls(_)), "{error:?}");
    eprintln!("mismatched key: {error}");

    // A CA file without certificates.
    let tls = TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("service.key")).unwrap();
    let error = tls.with_client_ca(dir.join("client.key")).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("no valid PEM CA certificate in"),
        "{error}"
    );

    // In memory, and the Debug form hides the key.
    let cert = std::fs::read(dir.join("service.pem")).unwrap();
    let key = std::fs::read(dir.join("service.key")).unwrap();
    let ca = std::fs::read(dir.join("ca.pem")).unwrap();
    let tls = TlsConfig::from_pem(&cert, &key)
        .unwrap()
        .with_client_ca_pem(&ca)
        .unwrap();
    let debug = format!("{tls:?}");
    assert!(
        debug.contains("<hidden>") && !debug.contains("PRIVATE"),
        "{debug}"
    );
    // A `TlsError` converts to the `io::Error` of `serve`.
    let io: std::io::Error = TlsError::Read {
        path: "x".into(),
        source: std::io::ErrorKind::NotFound.into(),
    }
    .into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn module_yaml_carries_an_https_url_as_given() {
    let functions = Functions::new().with(Greeter);
    for url in [
        "https://functions:8443/statefun",
        "https://functions.example.com/fn/{function.name}",
    ] {
        let yaml = functions.module_yaml(url);
        assert!(
            yaml.contains(&format!("\n  urlPathTemplate: {url}\n")),
            "{yaml}"
        );
    }
}

#[test]
fn bind_tls_serves_https_on_the_address_it_is_given_or_says_why_not() {
    let dir = certificates();
    let tls = TlsConfig::from_pem_files(dir.join("service.pem"), dir.join("service.key")).unwrap();
    let server = || statefun_actix::Server::new(Endpoint::new(Functions::new().with(Greeter)));

    // An address in use is an error of `bind_tls` itself, naming the address.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let error = server().bind_tls(addr, &tls).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
    assert!(error.to_string().contains(&addr.to_string()), "{error}");

    // A free port (0: the system's choice) is served with HTTPS.
    let server = server().bind_tls(("127.0.0.1", 0), &tls).unwrap();
    let port = server.local_addrs().unwrap()[0].port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server.run()).unwrap());
    let url = format!("https://127.0.0.1:{port}/statefun");
    assert_eq!(post(&client(&dir, None), &url, 1).unwrap(), 2);
}
