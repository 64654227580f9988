//! One module per popup: its state, its keys and how it is drawn over the current tab.

pub(crate) mod conflict;
pub(crate) mod export;
pub(crate) mod help;
pub(crate) mod incident_form;
pub(crate) mod milestone_form;
pub(crate) mod pickers;
pub(crate) mod prompt;
pub(crate) mod remove;
pub(crate) mod risk_form;
pub(crate) mod welcome;
