//! `--expected FILE`: the run's egress records compared with a file of the records it must
//! produce, as a multiset (the StateFun runtime orders records only per sending instance).

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// The expected records of the JSON-lines file `text`, or why it cannot be read.
pub fn read(text: &str) -> Result<Vec<Json>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str::<Json>(line)
                .ok()
                .filter(Json::is_object)
                .ok_or_else(|| format!("line {}: not a JSON object", i + 1))
        })
        .collect()
}

/// What differs between the records produced and those expected, one line each (empty
/// when they are the same multiset). A produced record is compared on the fields the
/// expected records use: an expected file of `{"topic", "key", "value"}` lines ignores the
/// `egress` and `line` of each output line. JSON values compare as JSON, not as text.
pub fn compare(produced: &[Json], expected: &[Json]) -> Vec<String> {
    let fields: Vec<&String> = {
        let mut fields: Vec<&String> = expected
            .iter()
            .filter_map(Json::as_object)
            .flat_map(|object| object.keys())
            .collect();
        fields.sort();
        fields.dedup();
        fields
    };
    let project = |record: &Json| -> Json {
        let object = record.as_object().cloned().unwrap_or_default();
        Json::Object(
            object
                .into_iter()
                .filter(|(field, _)| fields.contains(&field))
                .collect(),
        )
    };
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for record in produced {
        counts.entry(canonical(&project(record))).or_default().0 += 1;
    }
    for record in expected {
        counts.entry(canonical(record)).or_default().1 += 1;
    }
    counts
        .into_iter()
        .filter(|(_, (got, want))| got != want)
        .map(|(record, (got, want))| match (got, want) {
            (0, want) => format!("missing: {record} (expected {want}, got none)"),
            (got, 0) => format!("unexpected: {record} (got {got}, expected none)"),
            (got, want) => format!("count: {record} (expected {want}, got {got})"),
        })
        .collect()
}

/// `value` as text with every object's keys sorted, so that equal JSON is equal text.
fn canonical(value: &Json) -> String {
    fn sorted(value: &Json) -> Json {
        match value {
            Json::Object(object) => {
                let mut entries: Vec<_> = object.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Json::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect(),
                )
            }
            Json::Array(items) => Json::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}
