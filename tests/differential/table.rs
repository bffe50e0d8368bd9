//! The table of deliberate differences, read from docs/conformance.md: the only source of
//! accepted differences. A row accepts a difference when both answers are the ones it names
//! (status, and the error's kind where given) and its check, a predicate on the request
//! named in the table, holds.

use std::path::Path;

use crate::outcome::Outcome;

pub const START: &str = "<!-- deliberate-differences:start -->";
pub const END: &str = "<!-- deliberate-differences:end -->";

/// One difference to explain.
pub struct Case<'a> {
    pub request: &'a [u8],
    pub python: &'a Outcome,
    pub ours: &'a Outcome,
}

/// One side of a row: a status and, for an error, the kinds of error it may be (any if
/// none are given).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub kinds: Vec<String>,
}

#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub python: Answer,
    pub ours: Answer,
    pub check: Option<String>,
}

pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    pub fn load(root: &Path) -> Table {
        let path = root.join("docs/conformance.md");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
            panic!("{} has no {START} ... {END} table", path.display());
        };
        let rows: Vec<Row> = text[start + START.len()..end]
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| {
                parse_row(line).unwrap_or_else(|e| panic!("docs/conformance.md: {e}: {line}"))
            })
            .collect();
        for row in &rows {
            if let Some(check) = &row.check {
                assert!(
                    crate::checks::CHECKS.iter().any(|(id, _)| id == check),
                    "docs/conformance.md: row `{}` names the unknown check `{check}` (known: {:?})",
                    row.id,
                    crate::checks::CHECKS
                        .iter()
                        .map(|(id, _)| *id)
                        .collect::<Vec<_>>()
                );
            }
            assert_eq!(
                rows.iter().filter(|r| r.id == row.id).count(),
                1,
                "docs/conformance.md: row `{}` twice",
                row.id
            );
        }
        Table { rows }
    }

    /// The first row that accepts the difference, if any.
    pub fn explain(&self, case: &Case<'_>) -> Option<&str> {
        self.rows
            .iter()
            .find(|row| {
                matches(&row.python, case.python)
                    && matches(&row.ours, case.ours)
                    && row.check.as_deref().is_none_or(|check| {
                        let (_, predicate) = crate::checks::CHECKS
                            .iter()
                            .find(|(id, _)| *id == check)
                            .unwrap();
                        predicate(case)
                    })
            })
            .map(|row| row.id.as_str())
    }
}

fn matches(expected: &Answer, actual: &Outcome) -> bool {
    expected.status == actual.status
        && (expected.kinds.is_empty() || expected.kinds.contains(&actual.kind))
}

/// `| `id` | when | Python SDK | ours | check | why |`
fn parse_row(line: &str) -> Result<Row, String> {
    let cells: Vec<&str> = line
        .trim()
        .trim_matches('|')
        .split(" | ")
        .map(str::trim)
        .collect();
    let [id, _when, python, ours, check, _why] = cells[..] else {
        return Err(format!("expected 6 cells, found {}", cells.len()));
    };
    Ok(Row {
        id: code(id).ok_or("the row id is not in backticks")?.to_owned(),
        python: answer(python)?,
        ours: answer(ours)?,
        check: match check {
            "—" | "-" => None,
            other => Some(
                code(other)
                    .ok_or("the check is not in backticks")?
                    .to_owned(),
            ),
        },
    })
}

/// `200`, `500 `KeyError`` or `500 `State/Decode` or `State/TypeMismatch``.
fn answer(cell: &str) -> Result<Answer, String> {
    let (status, rest) = cell.split_once(' ').unwrap_or((cell, ""));
    let kinds = match rest.trim() {
        "" => vec![],
        kinds => kinds
            .split(" or ")
            .map(|kind| {
                code(kind.trim())
                    .map(str::to_owned)
                    .ok_or(format!("`{cell}`: a kind is not in backticks"))
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(Answer {
        status: status
            .parse()
            .map_err(|_| format!("`{cell}` does not start with a status"))?,
        kinds,
    })
}

fn code(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?.strip_suffix('`')
}
