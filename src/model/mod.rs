//! Shared value types, below the store: what every layer may name without naming a layer
//! above it.
//!
//! - [`profiles`]: the four profiles of a space member, the only rights there are;
//! - [`modules`]: which parts of a space are switched on;
//! - [`exhibit_number`]: exhibit numbers (pièces) and their pure numbering rules;
//! - [`time`]: Unix seconds as records store them, and the one clock;
//! - [`localtime`]: the firm's wall clock.
//!
//! Nothing here opens the store or knows who asks: these are values and pure functions.

pub mod exhibit_number;
pub mod localtime;
pub mod modules;
pub mod profiles;
pub mod time;

pub use modules::Modules;
pub use profiles::Profile;
