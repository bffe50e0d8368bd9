//! The text format of [`Format::Text`](super::Format::Text): tracing-subscriber's default
//! line (time, level, spans, target, fields), with the request's fields written as its
//! span `statefun.request`, outermost, on every line written inside a request.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::{
    fmt::{
        FmtContext, FormatEvent, FormatFields,
        format::{Format, Full, Writer},
        time::{FormatTime, SystemTime},
    },
    registry::LookupSpan,
};

use statefun_core::http::REQUEST_SPAN;

use super::request_span;

/// The event format: time and level, the request's span, then tracing-subscriber's own
/// format without time and level (the event's spans, target and fields).
pub(super) struct Text {
    rest: Format<Full, ()>,
}

impl Text {
    pub(super) fn new() -> Self {
        Self {
            rest: Format::default().without_time().with_level(false),
        }
    }
}

/// `text` in the ANSI style `code` (SGR parameters) if `ansi`.
fn paint(writer: &mut Writer<'_>, ansi: bool, code: &str, text: &str) -> fmt::Result {
    if ansi {
        write!(writer, "\x1b[{code}m{text}\x1b[0m")
    } else {
        writer.write_str(text)
    }
}

impl<S, N> FormatEvent<S, N> for Text
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
        let ansi = writer.has_ansi_escapes();
        if ansi {
            writer.write_str("\x1b[2m")?;
        }
        if SystemTime.format_time(&mut writer).is_err() {
            writer.write_str("<unknown time>")?;
        }
        if ansi {
            writer.write_str("\x1b[0m")?;
        }
        let (color, level) = match *event.metadata().level() {
            Level::TRACE => ("35", "TRACE"),
            Level::DEBUG => ("34", "DEBUG"),
            Level::INFO => ("32", " INFO"),
            Level::WARN => ("33", " WARN"),
            Level::ERROR => ("31", "ERROR"),
        };
        writer.write_char(' ')?;
        paint(&mut writer, ansi, color, level)?;
        writer.write_char(' ')?;
        let request = request_span::with_current(|record| -> fmt::Result {
            paint(&mut writer, ansi, "1", REQUEST_SPAN)?;
            if !record.is_empty() {
                paint(&mut writer, ansi, "1", "{")?;
                ctx.field_format().format_fields(writer.by_ref(), record)?;
                paint(&mut writer, ansi, "1", "}")?;
            }
            paint(&mut writer, ansi, "2", ":")?;
            // The event's own spans follow with no space, as spans do.
            if ctx.event_scope().is_none() {
                writer.write_char(' ')?;
            }
            Ok(())
        });
        request.transpose()?;
        self.rest.format_event(ctx, writer, event)
    }
}
