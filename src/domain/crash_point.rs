//! Crash points for the crash tests: a debug build aborts where `HUISCLOS_CRASH_AT` says,
//! so that a test can kill the box between two transactions and check what a restart
//! finds. Called by the domain and by the gateway (which sits above it).

/// A debug build stops dead here when `HUISCLOS_CRASH_AT` names `point`: how the crash
/// tests hit the window between two transactions. Compiled out of release builds.
pub fn at(point: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("HUISCLOS_CRASH_AT").is_ok_and(|p| p == point) {
        eprintln!("crash point {point}: aborting");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}
