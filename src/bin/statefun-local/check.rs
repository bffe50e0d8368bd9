//! `--check`: the module.yaml compared with the functions the service serves, read from
//! the service's catalog (`GET /catalog` of the actix-web endpoint).

use statefun::{
    Catalog,
    module::{Mismatch, Module},
};

/// The catalog URL of each service the module's endpoints name: the origin of each
/// endpoint URL (scheme, host and port) with `/catalog`, once per origin.
pub fn catalog_urls(module: &Module) -> Vec<String> {
    let mut urls: Vec<String> = module
        .endpoints()
        .iter()
        .filter_map(|endpoint| origin(&endpoint.url_path_template))
        .map(|origin| format!("{origin}/catalog"))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// `scheme://authority` of `url`, if it has them.
fn origin(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let authority_end = rest.find('/').unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + authority_end])
}

/// The catalog at `url`, or why there is none.
pub fn fetch(url: &str) -> Result<Catalog, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("GET {url}: {e}"))?;
    if status != 200 {
        return Err(format!(
            "GET {url}: HTTP {status}: the service serves no catalog there (an actix-web endpoint serves it at `GET /catalog`; `--catalog URL` names another place)"
        ));
    }
    Catalog::from_json(&body).map_err(|e| format!("GET {url}: {e}"))
}

/// Every mismatch between `module` and the catalogs, each once, in module order.
pub fn mismatches(module: &Module, catalogs: &[Catalog]) -> Vec<Mismatch> {
    let mut all: Vec<Mismatch> = Vec::new();
    for catalog in catalogs {
        for mismatch in module.check(catalog) {
            if !all.contains(&mismatch) {
                all.push(mismatch);
            }
        }
    }
    all.sort_by_key(|m| m.location().map_or(usize::MAX, |l| l.line));
    all
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn the_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin("http://127.0.0.1:1108/"),
            Some("http://127.0.0.1:1108")
        );
        assert_eq!(
            origin("https://f.example/statefun/{function.name}"),
            Some("https://f.example")
        );
        assert_eq!(origin("http://f:8000"), Some("http://f:8000"));
        assert_eq!(origin("f:8000/x"), None);
    }
}
