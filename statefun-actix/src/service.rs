//! Answering one StateFun request: read the body, run the dispatcher within the time limit
//! ([`statefun_core::http`] maps the outcome), and turn the answer into an actix-web
//! response, with one log event per request.

use std::time::{Duration, Instant};

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use bytes::Bytes;
use statefun_core::{
    Handler,
    http::{self, Answer},
};

use crate::body;

/// What answers the requests of one endpoint: its dispatcher and HTTP settings.
#[derive(Clone)]
pub(crate) struct Service {
    pub(crate) handler: Handler,
    pub(crate) body_limit: usize,
    pub(crate) timeout: Option<Duration>,
    #[cfg(feature = "gzip")]
    pub(crate) gzip: bool,
}

impl Service {
    pub(crate) async fn answer(&self, req: HttpRequest, body: web::Payload) -> HttpResponse {
        let start = Instant::now();
        let span = tracing::info_span!(
            "statefun.request",
            function = tracing::field::Empty,
            id = tracing::field::Empty,
            batch_size = tracing::field::Empty,
            status = tracing::field::Empty,
            latency = tracing::field::Empty,
            bytes = tracing::field::Empty,
        );
        let answer = async {
            match body::receive(&req, body, self.body_limit).await {
                Ok(body) => {
                    span.record("bytes", body.len());
                    let sleep = actix_web::rt::time::sleep;
                    http::respond(&self.handler, body, self.timeout, sleep).await
                }
                Err(rejected) => http::reject(&self.handler, rejected),
            }
        };
        let answer = tracing::Instrument::instrument(answer, span.clone()).await;
        let status = answer.status();
        let latency = start.elapsed();
        span.record("status", status);
        span.record("latency", tracing::field::debug(latency));
        span.in_scope(|| match (status, answer.error_text()) {
            (500.., Some(error)) => tracing::error!(status, ?latency, %error, "request failed"),
            (_, Some(error)) => tracing::warn!(status, ?latency, %error, "request rejected"),
            (_, None) => tracing::debug!(status, ?latency, "request answered"),
        });
        if answer.is_success() {
            self.ok(&req, answer.into_body())
        } else {
            response(answer)
        }
    }

    #[cfg_attr(not(feature = "gzip"), allow(unused_variables))]
    fn ok(&self, req: &HttpRequest, answer: Bytes) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        response.content_type(http::OCTET_STREAM);
        #[cfg(feature = "gzip")]
        if self.gzip {
            response.insert_header((header::VARY, "accept-encoding"));
            if answer.len() >= crate::gzip::GZIP_MIN_BYTES
                && crate::gzip::accepts_gzip(req)
                && let Ok(compressed) = crate::gzip::gzip(&answer)
            {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
                return response.body(compressed);
            }
        }
        response.body(answer)
    }
}

/// The actix-web response of an [`Answer`]: its status, headers and body.
pub(crate) fn response(answer: Answer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    if answer.close() {
        response.force_close();
    }
    if let Some(allow) = answer.allow() {
        response.insert_header((header::ALLOW, allow));
    }
    response
        .content_type(answer.content_type())
        .body(answer.into_body())
}
