//! The server's and the endpoint's settings, and the endpoint among other routes.

use super::*;

// ---------------------------------------------------------------- server settings

#[test]
fn server_listens_on_every_address_it_is_given() {
    let server = Server::new(Endpoint::new(functions()))
        .bind("127.0.0.1:0")
        .unwrap()
        .listen(TcpListener::bind("127.0.0.1:0").unwrap())
        .with_workers(2)
        .with_shutdown_timeout(Duration::from_secs(5));
    assert_eq!(server.workers(), Some(2));
    assert_eq!(server.shutdown_timeout(), Duration::from_secs(5));
    let addrs = server.local_addrs().unwrap();
    assert_eq!(addrs.len(), 2);
    assert_ne!(addrs[0].port(), addrs[1].port());
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server.run()));
    for addr in addrs {
        let answer = post(&format!("http://{addr}/statefun"), &greet("ann", Some(1)));
        assert_eq!(answer.status, 200, "{addr}");
        assert_eq!(seen_in(&answer.body), 2);
    }
}

#[test]
fn server_reports_an_address_in_use_and_refuses_to_run_nowhere() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let error = Server::new(Endpoint::new(functions()))
        .bind(addr)
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot listen on {addr}: ")),
        "{error}"
    );

    let nowhere =
        actix_web::rt::System::new().block_on(Server::new(Endpoint::new(functions())).run());
    let error = nowhere.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "the server listens nowhere: add an address with `bind` or `listen`"
    );
}

#[test]
fn operational_paths_are_told_and_a_path_given_twice_is_refused() {
    let operations = Endpoint::new(functions()).operations();
    #[cfg(feature = "metrics")]
    assert_eq!(
        operations.metrics_path(),
        Some(statefun_actix::DEFAULT_METRICS_PATH)
    );
    assert_eq!(
        operations.health_path(),
        statefun_actix::DEFAULT_HEALTH_PATH
    );
    assert_eq!(operations.ready_path(), statefun_actix::DEFAULT_READY_PATH);
    let operations = Endpoint::new(functions())
        .with_health_path("/alive")
        .with_ready_path("/go")
        .operations();
    assert_eq!(operations.health_path(), "/alive");
    assert_eq!(operations.ready_path(), "/go");
    #[cfg(feature = "metrics")]
    {
        let operations = Endpoint::new(functions())
            .with_metrics_path("/m")
            .operations();
        assert_eq!(operations.metrics_path(), Some("/m"));
        let operations = Endpoint::new(functions())
            .with_metrics_path("/m")
            .with_metrics(None)
            .operations();
        assert_eq!(operations.metrics_path(), None, "no metrics, no path");
    }

    // A server that starts would serve forever: wait for the refusal a while only.
    let run = |endpoint: Endpoint| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (done, refusal) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let outcome =
                actix_web::rt::System::new().block_on(Server::new(endpoint).listen(listener).run());
            let _ = done.send(outcome);
        });
        refusal
            .recv_timeout(Duration::from_secs(30))
            .expect("the server started instead of refusing its paths")
            .unwrap_err()
    };
    for endpoint in [
        Endpoint::new(functions()).with_path("/health"),
        Endpoint::new(functions()).with_path("/ready"),
        Endpoint::new(functions()).with_ready_path("/statefun"),
        Endpoint::new(functions()).with_path("/catalog"),
        Endpoint::new(functions()).with_catalog_path("/statefun"),
    ] {
        let error = run(endpoint);
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(
            error.to_string().contains("is also an operational path"),
            "{error}"
        );
    }
    #[cfg(feature = "metrics")]
    {
        let error = run(Endpoint::new(functions()).with_path("/metrics"));
        assert!(
            error
                .to_string()
                .starts_with("the function path `/metrics` is also an operational path"),
            "{error}"
        );
    }
    let error = run(Endpoint::new(functions()).with_ready_path("/health"));
    assert_eq!(
        error.to_string(),
        "`/health` is given to two operational paths (metrics, health, readiness or catalog); give each its own"
    );
    let error = run(Endpoint::new(functions()).with_catalog_path("/ready"));
    assert_eq!(
        error.to_string(),
        "`/ready` is given to two operational paths (metrics, health, readiness or catalog); give each its own"
    );
}

#[test]
fn serve_and_endpoint_serve_report_an_address_in_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let system = actix_web::rt::System::new();
    for error in [
        system
            .block_on(statefun_actix::serve(functions(), addr))
            .unwrap_err(),
        system
            .block_on(Endpoint::new(functions()).serve(addr))
            .unwrap_err(),
    ] {
        assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
    }
}

// ---------------------------------------------------------------- composition

#[test]
fn endpoint_composes_with_other_routes_at_a_custom_path() {
    let endpoint = Endpoint::new(functions()).with_path("/fn/{name}");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(move || {
                App::new().service(endpoint.clone()).route(
                    "/health",
                    web::get().to(|| async { HttpResponse::Ok().body("ok") }),
                )
            })
            .workers(1)
            .listen(listener)
            .unwrap()
            .run()
            .await
            .unwrap()
        })
    });
    let health = read(agent().get(format!("http://{addr}/health")).call().unwrap());
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));

    let answer = post(&format!("http://{addr}/fn/greeter"), &greet("pia", Some(6)));
    assert_eq!(answer.status, 200);
    assert_eq!(seen_in(&answer.body), 7);

    let elsewhere = post(&format!("http://{addr}/statefun"), &greet("pia", Some(6)));
    assert_eq!(elsewhere.status, 404);
}

#[test]
fn endpoint_reports_its_settings() {
    let endpoint = Endpoint::new(functions());
    assert_eq!(endpoint.path(), statefun_actix::DEFAULT_PATH);
    assert_eq!(endpoint.body_limit(), 32 * 1024 * 1024);
    assert_eq!(endpoint.functions().type_names().len(), 6);
    let debug = format!("{endpoint:?}");
    assert!(
        debug.contains("/statefun") && debug.contains("demo/greeter"),
        "{debug}"
    );
}

#[test]
fn the_endpoint_reports_its_settings() {
    let endpoint = Endpoint::new(Functions::new());
    assert!(endpoint.operations_mounted());
    assert!(
        !endpoint
            .clone()
            .with_operations_mounted(false)
            .operations_mounted()
    );
    let paths = endpoint
        .clone()
        .with_metrics_path("/m")
        .with_health_path("/h")
        .with_ready_path("/r");
    assert_eq!(
        (
            paths.metrics_path(),
            paths.health_path(),
            paths.ready_path()
        ),
        ("/m", "/h", "/r")
    );
    assert_eq!(
        (
            endpoint.metrics_path(),
            endpoint.health_path(),
            endpoint.ready_path()
        ),
        ("/metrics", "/health", "/ready")
    );
    #[cfg(feature = "metrics")]
    {
        let metrics = statefun_core::metrics::Metrics::new();
        let with = endpoint.clone().with_metrics(metrics.clone());
        assert!(with.metrics().is_some());
        assert!(with.with_metrics(None).metrics().is_none());
    }
    #[cfg(feature = "gzip")]
    {
        assert!(!endpoint.gzip());
        assert!(endpoint.clone().with_gzip(true).gzip());
    }
}
