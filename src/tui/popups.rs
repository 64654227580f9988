//! One module per popup: its state, its keys and how it is drawn over the current tab.

pub mod action_form;
pub mod bulk_form;
pub mod confirm;
pub mod conflict;
pub mod export;
pub mod help;
pub mod incident_form;
pub mod milestone_form;
pub mod pickers;
pub mod prompt;
pub mod remove;
pub mod risk_form;
pub mod welcome;
