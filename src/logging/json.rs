//! The JSON format of [`Format::Json`](super::Format::Json): tracing-subscriber's JSON line
//! (the event's fields flattened, the current span under `span`, every span under
//! `spans`), with the request's fields written as its span `statefun.request` on every line
//! written inside a request: under `span` when the event is in no span of its own, and first
//! in `spans`.

use std::fmt;

use statefun_core::http::REQUEST_SPAN;
use tracing::{Event, Subscriber};
use tracing_subscriber::{
    fmt::{
        FmtContext, FormatEvent, FormatFields,
        format::{self, Format, Writer},
    },
    registry::LookupSpan,
};

use super::request_span;

/// The event format: tracing-subscriber's JSON line, the request's span added to it.
pub(super) struct Json {
    line: Format<format::Json>,
}

impl Json {
    pub(super) fn new() -> Self {
        Self {
            line: Format::default()
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(true),
        }
    }
}

/// The request's span as the JSON formatter writes a span: its fields as `fields` (the
/// field formatter's JSON object), then its `name`.
fn request_span_object(fields: &str) -> Option<String> {
    let inside = fields.trim().strip_prefix('{')?.strip_suffix('}')?.trim();
    let name = format!("\"name\":\"{REQUEST_SPAN}\"");
    Some(if inside.is_empty() {
        format!("{{{name}}}")
    } else {
        format!("{{{inside},{name}}}")
    })
}

/// `line` (one JSON object and a newline) with `span` added: as `span` and `spans` if the
/// line has no span, else first in `spans`.
fn with_request_span(line: &str, span: &str) -> Option<String> {
    // A string value cannot hold these characters unescaped: this is the key of the list.
    const LIST: &str = ",\"spans\":[";
    if let Some(at) = line.rfind(LIST) {
        let at = at + LIST.len();
        return Some(format!("{}{span},{}", &line[..at], &line[at..]));
    }
    let body = line.trim_end().strip_suffix('}')?;
    Some(format!("{body},\"span\":{span},\"spans\":[{span}]}}\n"))
}

impl<S, N> FormatEvent<S, N> for Json
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let fields = request_span::with_current(|record| {
            let mut fields = String::new();
            ctx.field_format()
                .format_fields(Writer::new(&mut fields), record)
                .map(|()| fields)
        });
        let Some(fields) = fields.transpose()? else {
            return self.line.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.line.format_event(ctx, Writer::new(&mut line), event)?;
        let spliced = request_span_object(&fields).and_then(|span| with_request_span(&line, &span));
        writer.write_str(spliced.as_deref().unwrap_or(&line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_span_goes_under_span_and_first_in_spans() {
        let span = request_span_object(r#"{"batch_size":1,"function":"demo/greeter"}"#).unwrap();
        assert_eq!(
            span,
            r#"{"batch_size":1,"function":"demo/greeter","name":"statefun.request"}"#
        );
        assert_eq!(
            request_span_object("{}").unwrap(),
            r#"{"name":"statefun.request"}"#
        );
        assert_eq!(
            with_request_span("{\"level\":\"INFO\",\"target\":\"t\"}\n", &span).unwrap(),
            format!("{{\"level\":\"INFO\",\"target\":\"t\",\"span\":{span},\"spans\":[{span}]}}\n")
        );
        assert_eq!(
            with_request_span(
                "{\"message\":\"a \\\",\\\"spans\\\":[ b\",\"span\":{\"name\":\"mine\"},\"spans\":[{\"name\":\"mine\"}]}\n",
                "{}"
            )
            .unwrap(),
            "{\"message\":\"a \\\",\\\"spans\\\":[ b\",\"span\":{\"name\":\"mine\"},\"spans\":[{},{\"name\":\"mine\"}]}\n"
        );
    }
}
