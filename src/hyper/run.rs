//! Running a [`Server`]: accepting connections, serving each with hyper, and the graceful
//! stop (the listeners closed, the readiness 503, the requests in flight answered, then the
//! connections closed).

use std::{
    future::{Future, poll_fn},
    io,
    pin::pin,
    sync::Arc,
    task::Poll,
    time::Duration,
};

use futures_util::future::{Either, select};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};

use super::{
    Server, connections::Connections, operations::Operations, service::Service, shutdown::Drain,
};

/// Serves `server` until `stop` resolves, then stops gracefully; with `second_signal`, a
/// second SIGINT or SIGTERM during the stop makes it return at once.
pub(crate) async fn run(
    server: Server,
    stop: impl Future<Output = ()>,
    second_signal: bool,
) -> io::Result<()> {
    if server.listeners.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the server listens nowhere: add an address with `bind` or `listen`",
        ));
    }
    let operations = server.operations()?;
    announce(&server, operations.as_ref());
    let listeners = server
        .listeners
        .into_iter()
        .map(|listener| {
            listener.set_nonblocking(true)?;
            TcpListener::from_std(listener)
        })
        .collect::<io::Result<Vec<_>>>()?;
    let endpoint = server.endpoint;
    #[cfg(feature = "metrics")]
    let endpoint = match &server.metrics {
        Some(metrics) => metrics.attach(endpoint),
        None => endpoint,
    };
    let drain = Arc::new(Drain::default());
    let service = Service {
        endpoint,
        operations: operations.map(Arc::new),
        drain: Arc::clone(&drain),
    };
    let connections = Arc::new(Connections::default());
    let mut builder = http1::Builder::new();
    if let Some(timeout) = server.header_read_timeout {
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(timeout);
    }

    let mut stop = pin!(stop);
    loop {
        match select(pin!(accept(&listeners)), stop.as_mut()).await {
            Either::Left((Ok(stream), _)) => {
                spawn_connection(stream, &builder, service.clone(), &connections);
            }
            Either::Left((Err(error), _)) => {
                if let Some(pause) = pause_after(&error) {
                    tracing::error!("cannot accept a connection: {error}");
                    tokio::time::sleep(pause).await;
                }
            }
            Either::Right(((), _)) => break,
        }
    }

    // New connections are refused from here on; the readiness answers 503 on those open.
    drain.stop();
    drop(listeners);
    tracing::info!(
        "stopping: answering the requests in flight{}",
        if second_signal {
            " (send the signal again to stop at once)"
        } else {
            ""
        }
    );
    let drained = async {
        // The connections stay open (the readiness probe answers 503 on them) until no
        // request is in flight, or for half the timeout at most: clients that keep sending
        // on their keep-alive connections must not hold the stop to its end.
        let quiet = tokio::time::sleep(server.shutdown_timeout / 2);
        select(pin!(drain.idle()), pin!(quiet)).await;
        // Closes the idle connections, and each busy one once it has answered.
        connections.close_gracefully().await;
    };
    let timeout = tokio::time::sleep(server.shutdown_timeout);
    let again = async {
        if second_signal {
            super::shutdown::stop_signal().await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    match select(pin!(drained), select(pin!(timeout), pin!(again))).await {
        Either::Left(((), _)) => {}
        Either::Right((Either::Left(((), _)), _)) => {
            tracing::warn!(
                "stopped after {:?} with {} request(s) still in flight, dropped (the runtime retries them)",
                server.shutdown_timeout,
                drain.in_flight()
            );
        }
        Either::Right((Either::Right(((), _)), _)) => {
            tracing::warn!("second signal: returning without waiting for the requests in flight");
        }
    }
    connections.abort();
    Ok(())
}

/// The next connection of any of the listeners.
async fn accept(listeners: &[TcpListener]) -> io::Result<TcpStream> {
    poll_fn(|cx| {
        for listener in listeners {
            if let Poll::Ready(accepted) = listener.poll_accept(cx) {
                return Poll::Ready(accepted.map(|(stream, _)| stream));
            }
        }
        Poll::Pending
    })
    .await
}

/// How long to wait before accepting again after `error`: not at all when the error is the
/// connection's own (the client gave up), a little when it is the server's (out of file
/// descriptors, say), rather than spin.
fn pause_after(error: &io::Error) -> Option<Duration> {
    match error.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset => None,
        _ => Some(Duration::from_millis(100)),
    }
}

/// Serves one connection with `builder` (HTTP/1.1, keep-alive, the header read timeout), on
/// a task of its own, until it ends or the server closes it.
fn spawn_connection(
    stream: TcpStream,
    builder: &http1::Builder,
    service: Service,
    connections: &Arc<Connections>,
) {
    // Answers are written at once, not held back to be merged with the next.
    let _ = stream.set_nodelay(true);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let connection = connections.watch(connection);
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "connection ended");
        }
    });
}

/// The start-up log: where the service listens and what it serves, so that a wrong port or
/// a missing function is seen at once.
fn announce(server: &Server, operations: Option<&Operations>) {
    if !tracing::dispatcher::has_been_set() {
        eprintln!(
            "statefun: no tracing subscriber is installed, so failed requests are not logged; call `statefun::logging::init()` (or install your own subscriber) before serving"
        );
    }
    let endpoint = &server.endpoint;
    for listener in &server.listeners {
        if let Ok(addr) = listener.local_addr() {
            tracing::info!("listening on http://{addr}{} (hyper)", endpoint.path());
        }
    }
    let functions: Vec<String> = endpoint
        .functions()
        .type_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    tracing::info!(
        "serving {} function(s): {}",
        functions.len(),
        functions.join(", ")
    );
    if let Some(operations) = operations {
        operations.announce();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_own_accept_errors_pause_the_accepting() {
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::ConnectionAborted,
            io::ErrorKind::ConnectionReset,
        ] {
            assert_eq!(pause_after(&kind.into()), None, "{kind:?}");
        }
        // EMFILE: out of file descriptors.
        let exhausted = io::Error::from_raw_os_error(24);
        assert_eq!(pause_after(&exhausted), Some(Duration::from_millis(100)));
    }
}
