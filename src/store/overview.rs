//! What an interactive view needs from a large register without holding all of it: the
//! ordered ids a query selects, the risks of one screenful, per-team totals, and the
//! `data_version` that tells a long-lived connection another process committed.

use std::collections::HashMap;

use super::Store;
use super::filter;
use crate::domain::Risk;
use crate::error::Result;
use crate::query::ListSpec;
use crate::scoring::Band;
use jiff::civil::Date;

/// Active risks of one team (or of no team), counted the ways the Teams view shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TeamOverview {
    /// `None` is the risks no team owns.
    pub team: Option<String>,
    /// Active risks per band, indexed like [`Band::ALL`] (low … critical).
    pub by_band: [u64; 4],
    pub total_score: u64,
    /// Active risks without a DRI (owner).
    pub without_owner: u64,
    pub review_due: u64,
    /// Bad minutes a year of its active risks with estimates.
    pub bad_minutes: f64,
    /// How many of its active risks have all four estimates.
    pub estimated: u64,
}

impl TeamOverview {
    pub fn active(&self) -> u64 {
        self.by_band.iter().sum()
    }

    pub fn count(&self, band: Band) -> u64 {
        let i = Band::ALL.iter().position(|b| *b == band).unwrap_or(0);
        self.by_band[i]
    }
}

impl Store {
    /// Changes whenever another connection (any process) commits; the TUI polls it.
    /// On PostgreSQL it counts the change notices (`NOTIFY`) every commit sends.
    pub fn data_version(&self) -> Result<i64> {
        match &self.conn {
            super::Conn::Sqlite(conn) => {
                Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
            }
            super::Conn::Postgres(conn) => conn
                .try_borrow_mut()
                .map_err(|_| crate::error::Error::Internal("connection in use".into()))?
                .changes(),
        }
    }

    /// The ids the spec selects, in its order: eight bytes a risk, so a view of the whole
    /// register stays small and fast.
    pub fn risk_ids(&self, spec: &ListSpec, today: Date) -> Result<Vec<i64>> {
        let query = filter::select(spec, today, &self.settings, "r.id");
        self.db().ids(&query.sql, &query.params)
    }

    /// The risks with these ids, in the order given; ids no longer in the register are
    /// skipped.
    pub fn risks_by_ids(&self, ids: &[i64]) -> Result<Vec<Risk>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(risk) =
                super::risks::get_risk(self.db(), *id, &self.settings.bands, self.today)?
            {
                out.push(risk);
            }
        }
        Ok(out)
    }

    /// Every team (by name) and then the risks no team owns: active risks by band, total
    /// score, risks without an owner and risks due for review.
    pub fn team_overview(&self, today: Date) -> Result<Vec<TeamOverview>> {
        let mut out: Vec<TeamOverview> = self
            .teams()?
            .into_iter()
            .map(|t| TeamOverview {
                team: Some(t.name),
                ..TeamOverview::default()
            })
            .collect();
        out.push(TeamOverview::default());
        let index: HashMap<Option<String>, usize> = out
            .iter()
            .enumerate()
            .map(|(i, o)| (o.team.clone(), i))
            .collect();
        let due = filter::review_due_condition(today);
        let sql = format!(
            "SELECT t.name, r.score, r.owner = '', coalesce({}, 1 = 0) AS due, count(*), coalesce(sum(r.bad_minutes), 0.0),
                    count(r.bad_minutes)
             FROM risk r LEFT JOIN team t ON t.id = r.team_id
             WHERE r.status IN ('open', 'mitigating', 'accepted')
             GROUP BY t.name, r.score, r.owner = '', due",
            due.sql
        );
        self.db().each(&sql, &due.params, |row| {
            let team: Option<String> = row.get(0)?;
            let score = u8::try_from(row.get::<i64>(1)?).unwrap_or(25);
            let no_owner: bool = row.get(2)?;
            let review_due: bool = row.get(3)?;
            let n = u64::try_from(row.get::<i64>(4)?).unwrap_or(0);
            let bad_minutes: f64 = row.get(5)?;
            let estimated = u64::try_from(row.get::<i64>(6)?).unwrap_or(0);
            let Some(o) = index.get(&team).and_then(|i| out.get_mut(*i)) else {
                return Ok(());
            };
            let band = self.settings.bands.band_for_score(score);
            let i = Band::ALL.iter().position(|b| *b == band).unwrap_or(0);
            o.by_band[i] += n;
            o.total_score += n * u64::from(score);
            o.bad_minutes += bad_minutes;
            o.estimated += estimated;
            if no_owner {
                o.without_owner += n;
            }
            if review_due {
                o.review_due += n;
            }
            Ok(())
        })?;
        Ok(out)
    }
}
