//! Answering one StateFun request: the request's method, headers and body handed to the
//! core's pipeline ([`statefun::http::Endpoint::answer`]), its answer turned into an
//! actix-web response (gzip-compressed if the endpoint says so).

use actix_web::{
    HttpRequest, HttpResponse,
    http::{
        StatusCode,
        header::{self, HeaderName},
    },
    web,
};
use bytes::Bytes;
use futures_util::StreamExt as _;
use statefun_core::http::{self, Answer, RequestHead};

use crate::body::why;

/// What answers the requests of one endpoint: the core's pipeline and the actix-only
/// settings.
#[derive(Clone)]
pub(crate) struct Service {
    pub(crate) http: http::Endpoint,
    #[cfg(feature = "gzip")]
    pub(crate) gzip: bool,
}

impl Service {
    /// Answers a request at the endpoint's path, whatever its method.
    pub(crate) async fn answer(&self, req: HttpRequest, body: web::Payload) -> HttpResponse {
        let header = |name: HeaderName| req.headers().get(name).map(|v| v.as_bytes());
        let head = RequestHead::new(req.method().as_str())
            .with_content_type(header(header::CONTENT_TYPE))
            .with_content_encoding(header(header::CONTENT_ENCODING))
            .with_content_length(header(header::CONTENT_LENGTH));
        let body = body.map(|chunk| chunk.map_err(why));
        let answer = self.http.answer(head, body).await;
        if answer.is_success() {
            self.ok(&req, answer.into_body())
        } else {
            response(answer)
        }
    }

    /// Answers a request for any other path: 404 with the path served.
    pub(crate) async fn unserved(&self, req: HttpRequest, body: web::Payload) -> HttpResponse {
        let info = req.connection_info().clone();
        let origin = Some((info.scheme(), info.host()));
        let body = body.map(|chunk| chunk.map_err(why));
        let method = req.method().as_str();
        response(self.http.unserved(method, req.path(), origin, body).await)
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
