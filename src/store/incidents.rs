//! Incidents and their links to risks.

use std::collections::HashMap;

use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, Tx};
use crate::domain::Amount;
use crate::domain::incidents::{Incident, NewIncident};
use crate::error::{Error, Result};

const SELECT: &str = "SELECT i.id, i.title, i.date, i.ttd_min, i.ttr_min, i.users_pct, i.link, i.note, i.created_at,
        (SELECT group_concat(risk_id) FROM (SELECT risk_id FROM incident_risk WHERE incident_id = i.id ORDER BY risk_id))
     FROM incident i";

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unreadable incident {what}").into(),
    )
}

fn incident_from_row(r: &Row<'_>) -> rusqlite::Result<Incident> {
    let amount = |c: usize| -> rusqlite::Result<Amount> {
        Amount::new(r.get::<_, f64>(c)?).ok_or_else(|| corrupt("figure"))
    };
    let date: String = r.get(2)?;
    let risks: Option<String> = r.get(9)?;
    Ok(Incident {
        id: r.get(0)?,
        title: r.get(1)?,
        date: date.parse().map_err(|_| corrupt("date"))?,
        ttd: amount(3)?,
        ttr: amount(4)?,
        users: amount(5)?,
        link: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
        risks: risks
            .unwrap_or_default()
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect(),
    })
}

impl Store {
    /// Incidents, newest first; with `risk`, only those linked to it.
    pub fn incidents(&self, risk: Option<i64>) -> Result<Vec<Incident>> {
        let sql = match risk {
            Some(_) => format!(
                "{SELECT} WHERE i.id IN (SELECT incident_id FROM incident_risk WHERE risk_id = ?1) ORDER BY i.date DESC, i.id DESC"
            ),
            None => format!("{SELECT} ORDER BY i.date DESC, i.id DESC"),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = match risk {
            Some(id) => stmt
                .query_map([id], incident_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            None => stmt
                .query_map([], incident_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }

    /// Incidents dated after `since`, by the risks they are linked to.
    pub fn incidents_by_risk(&self, since: Date) -> Result<HashMap<i64, Vec<Incident>>> {
        let sql = format!("{SELECT} WHERE i.date > ?1 ORDER BY i.date, i.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let all = stmt
            .query_map([since.to_string()], incident_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut by_risk: HashMap<i64, Vec<Incident>> = HashMap::new();
        for incident in all {
            for risk in &incident.risks {
                by_risk.entry(*risk).or_default().push(incident.clone());
            }
        }
        Ok(by_risk)
    }
}

impl Tx<'_> {
    fn require_risks(&self, risks: &[i64]) -> Result<()> {
        for id in risks {
            if self.risk_revision(*id)?.is_none() {
                return Err(Error::NotFound(format!(
                    "no risk with id {id}; `riskreg list --all` shows every risk"
                )));
            }
        }
        Ok(())
    }

    /// Records an incident linked to `risks` (each must exist); returns its id.
    pub fn add_incident(&mut self, new: &NewIncident, risks: &[i64]) -> Result<i64> {
        self.require_risks(risks)?;
        self.tx
            .prepare_cached(
                "INSERT INTO incident (title, date, ttd_min, ttr_min, users_pct, link, note, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                new.title,
                new.date.to_string(),
                new.ttd.get(),
                new.ttr.get(),
                new.users.get(),
                new.link,
                new.note,
                self.stamp.clock.now,
            ])?;
        let id = self.tx.last_insert_rowid();
        for risk in risks {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO incident_risk (incident_id, risk_id) VALUES (?1, ?2)",
                )?
                .execute([id, *risk])?;
        }
        Ok(id)
    }

    /// Links an incident to more risks (links that exist are kept); returns the incident.
    pub fn link_incident(&mut self, id: i64, risks: &[i64]) -> Result<Incident> {
        let exists = self
            .tx
            .query_row("SELECT 1 FROM incident WHERE id = ?1", [id], |_| Ok(()))
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound(format!(
                "no incident with id {id}; `riskreg incident list` shows them"
            )));
        }
        self.require_risks(risks)?;
        for risk in risks {
            self.tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO incident_risk (incident_id, risk_id) VALUES (?1, ?2)",
                )?
                .execute([id, *risk])?;
        }
        let sql = format!("{SELECT} WHERE i.id = ?1");
        Ok(self.tx.query_row(&sql, [id], incident_from_row)?)
    }
}
