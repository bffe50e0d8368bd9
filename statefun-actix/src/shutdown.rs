//! Graceful shutdown on SIGINT and SIGTERM.

use std::{
    io,
    pin::pin,
    sync::atomic::{AtomicBool, Ordering},
};

use futures_util::future::{Either, select};

/// Whether a graceful shutdown has started in this process: the readiness probe answers
/// 503 from then on. Signals reach the whole process, so this is the process's state.
static STOPPING: AtomicBool = AtomicBool::new(false);

/// Whether a graceful shutdown has started ([`run_with_graceful_shutdown`] saw a signal).
pub(crate) fn stopping() -> bool {
    STOPPING.load(Ordering::Relaxed)
}

/// Runs `server` until the first SIGINT or SIGTERM, then stops it gracefully: the listener
/// closes, requests in flight are answered (for up to the server's shutdown timeout), then
/// the future resolves. A second signal makes it resolve at once.
///
/// From the first signal on, the readiness path of every [`Endpoint`](crate::Endpoint) in
/// the process ([`Operations`](crate::Operations), `GET /ready`) answers 503, on the
/// connections still open.
///
/// [`Server`](crate::Server) and [`serve`](crate::serve) use it; call it yourself when you
/// build the actix-web `HttpServer` around an [`Endpoint`](crate::Endpoint), with actix-web's
/// own signal handling turned off:
///
/// ```no_run
/// # async fn run(endpoint: statefun::actix::Endpoint) -> std::io::Result<()> {
/// use actix_web::{App, HttpServer};
///
/// let server = HttpServer::new(move || App::new().service(endpoint.clone()))
///     .disable_signals()
///     .bind(("0.0.0.0", 8000))?
///     .run();
/// statefun::actix::run_with_graceful_shutdown(server).await
/// # }
/// ```
pub async fn run_with_graceful_shutdown(server: actix_web::dev::Server) -> io::Result<()> {
    let handle = server.handle();
    let mut server = pin!(server);
    match select(server.as_mut(), pin!(stop_signal())).await {
        Either::Left((result, _)) => return result,
        Either::Right(((), _)) => {}
    }
    STOPPING.store(true, Ordering::Relaxed);
    tracing::info!(
        "stopping: answering the requests in flight (send the signal again to stop at once)"
    );
    // The command is sent when `stop` is called; the server future reports completion.
    drop(handle.stop(true));
    match select(server.as_mut(), pin!(stop_signal())).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            // actix-server handles no command while a graceful stop is under way, so
            // `stop(false)` would wait too: return, and let the process exit.
            tracing::warn!("second signal: returning without waiting for the requests in flight");
            Ok(())
        }
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere than Unix).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let int = pin!(actix_web::rt::signal::ctrl_c());
                let term = pin!(term.recv());
                select(int, term).await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                let _ = actix_web::rt::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
    }
}
