//! Tests of the route table: patterns, uniqueness, and that every handler file is routed.

use super::*;

#[test]
fn patterns() {
    assert_eq!(matches("/", "/"), Some(vec![]));
    assert_eq!(matches("/setup/{token}", "/setup/abc"), Some(vec!["abc"]));
    assert_eq!(matches("/setup/{token}", "/setup/"), None);
    assert_eq!(matches("/setup/{token}", "/setup/a/b"), None);
    assert_eq!(
        matches("/static/{*}", "/static/css/app.css"),
        Some(vec!["css/app.css"])
    );
    assert_eq!(matches("/static/{*}", "/static/"), None);
    assert_eq!(matches("/healthz", "/healthz/"), None);
}

#[test]
fn every_route_is_unique() {
    for (i, a) in ROUTES.iter().enumerate() {
        for b in &ROUTES[i + 1..] {
            assert!(
                !(a.method == b.method && a.pattern == b.pattern),
                "duplicate route {} {}",
                a.method,
                a.pattern
            );
        }
    }
}

mod handler_tests {

    /// A handler file that the route table does not name is dead code, or a route lost.
    /// Handlers live in feature folders (`ui/secure_mail/mail_send.rs` is
    /// `ui::secure_mail::mail_send::handle`), so the walk follows every folder.
    #[test]
    fn every_handler_is_routed() {
        let table = include_str!("../routes.rs");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        for top in ["ui", "api"] {
            let mut dirs = vec![root.join(top)];
            let mut seen = 0;
            while let Some(dir) = dirs.pop() {
                for e in std::fs::read_dir(&dir).unwrap() {
                    let path = e.unwrap().path();
                    if path.is_dir() {
                        dirs.push(path);
                        continue;
                    }
                    let text = std::fs::read_to_string(&path).unwrap();
                    if !text.contains("pub fn handle(") {
                        continue;
                    }
                    let rel = path.strip_prefix(&root).unwrap().with_extension("");
                    let module: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap()).collect();
                    let name = format!("{}::handle", module.join("::"));
                    assert!(table.contains(&name), "{name} is not in the route table");
                    seen += 1;
                }
            }
            assert!(seen > 20, "only {seen} handlers found under {top}/");
        }
    }
}
