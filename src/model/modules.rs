//! Which parts of a space are switched on; set by its template (`domain::spaces::templates`)
//! and stored with the space.

/// Which parts of a space are switched on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Modules {
    pub messages: bool,
    pub documents: bool,
    pub agenda: bool,
    pub requests: bool,
    pub asides: bool,
    pub exhibits: bool,
    /// Questions and answers (data rooms). Absent from spaces stored before it existed.
    #[serde(default)]
    pub questions: bool,
}
