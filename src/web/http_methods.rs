//! What HTTP says about methods, applied from the route table: `HEAD` is served wherever
//! `GET` is (by the `GET` route, the server sending the same headers and no body: see
//! `dispatch::find`), and a `405` names in `Allow` the methods the path has.

use rouille::Response;

use super::routes::{ROUTES, matches};

/// The methods served on `path`, in a fixed order: those of the table, with `HEAD` wherever
/// there is `GET`.
pub fn allowed(path: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = ROUTES
        .iter()
        .filter(|r| matches(r.pattern, path).is_some())
        .map(|r| r.method)
        .collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    const ORDER: [&str; 6] = ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"];
    methods.sort_by_key(|m| ORDER.iter().position(|o| o == m).unwrap_or(ORDER.len()));
    methods.dedup();
    methods
}

/// The `405` of a path that exists for other methods, with `Allow` listing them.
pub fn not_allowed(path: &str) -> Response {
    Response::text("")
        .with_status_code(405)
        .with_unique_header("Allow", allowed(path).join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_names_the_methods_of_the_path_with_head_beside_get() {
        assert_eq!(allowed("/login"), ["GET", "HEAD", "POST"]);
        assert_eq!(
            allowed("/api/v1/uploads/0123456789abcdef0123456789abcdef"),
            ["HEAD", "PATCH", "DELETE", "OPTIONS"]
        );
        assert_eq!(allowed("/api/v1/session"), ["POST", "DELETE"]);
        assert!(allowed("/no/such/path").is_empty());
        let r = not_allowed("/healthz");
        assert_eq!(r.status_code, 405);
        let allow: Vec<_> = r.headers.iter().filter(|(k, _)| k == "Allow").collect();
        assert_eq!(allow.len(), 1);
        assert_eq!(allow[0].1, "GET, HEAD");
    }
}
