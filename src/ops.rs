//! Operations both shells (CLI and TUI) run that combine the store and the pure core.

use jiff::civil::Date;

use crate::domain::incidents::CALIBRATION_DAYS;
use crate::domain::portfolio::{Portfolio, Report, Violation};
use crate::error::Result;
use crate::query::ListSpec;
use crate::store::Store;

/// One pass over the whole register: the report and the policy violations.
pub fn portfolio(store: &Store, today: Date) -> Result<(Report, Vec<Violation>)> {
    let since = today
        .checked_sub(jiff::Span::new().days(CALIBRATION_DAYS))
        .unwrap_or(today);
    let incidents = store.incidents_by_risk(since)?;
    let mut portfolio = Portfolio::new(store.settings(), today);
    let spec = ListSpec {
        all: true,
        ..ListSpec::default()
    };
    store.for_each_risk(&spec, today, |r| {
        portfolio.add(&r, incidents.get(&r.id).map_or(&[][..], Vec::as_slice));
        Ok(())
    })?;
    Ok(portfolio.finish(&store.milestones(today)?))
}
