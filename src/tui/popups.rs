//! One module per popup; each draws over the current tab from the app's state.

pub mod conflict;
pub mod export;
pub mod form;
pub mod help;
pub mod pickers;
pub mod welcome;
