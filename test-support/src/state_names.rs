//! The state-name table (`state_names.txt`): each name with whether the rule accepts it.

/// `(accepted, name)` for every row of the table, in file order.
pub fn table() -> Vec<(bool, String)> {
    include_str!("state_names.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (verdict, name) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("state_names.txt: `{line}` has no name"));
            let accepted = match verdict {
                "accept" => true,
                "reject" => false,
                other => panic!("state_names.txt: `{other}` is neither `accept` nor `reject`"),
            };
            let name = if name == "\"\"" { "" } else { name };
            (accepted, name.to_owned())
        })
        .collect()
}

/// The accepted names.
pub fn accepted() -> Vec<String> {
    table()
        .into_iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, n)| n)
        .collect()
}

/// The rejected names.
pub fn rejected() -> Vec<String> {
    table()
        .into_iter()
        .filter(|(ok, _)| !*ok)
        .map(|(_, n)| n)
        .collect()
}
