//! Incidents and their links to risks.

use std::collections::HashMap;

use jiff::civil::Date;

use super::db::{Row, args, corrupt};
use super::{Store, Tx};
use crate::domain::Amount;
use crate::domain::incidents::{Incident, NewIncident};
use crate::error::{Error, Result};

const SELECT: &str =
    "SELECT i.id, i.title, i.date, i.ttd_min, i.ttr_min, i.users_pct, i.link, i.note, i.created_at,
        (SELECT group_concat(CAST(x.risk_id AS TEXT), ',')
         FROM (SELECT risk_id FROM incident_risk WHERE incident_id = i.id ORDER BY risk_id) AS x)
     FROM incident i";

fn incident_from_row(r: &dyn Row) -> Result<Incident> {
    let amount = |c: usize| -> Result<Amount> {
        let v: f64 = r.get(c)?;
        Amount::new(v).ok_or_else(|| corrupt(c, "incident figure", &v.to_string()))
    };
    let date: String = r.get(2)?;
    let risks: Option<String> = r.get(9)?;
    Ok(Incident {
        id: r.get(0)?,
        title: r.get(1)?,
        date: date
            .parse()
            .map_err(|_| corrupt(2, "incident date", &date))?,
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
        match risk {
            Some(id) => self.db().all(&sql, &args![id], incident_from_row),
            None => self.db().all(&sql, &[], incident_from_row),
        }
    }

    /// Incidents dated after `since`, by the risks they are linked to.
    pub fn incidents_by_risk(&self, since: Date) -> Result<HashMap<i64, Vec<Incident>>> {
        let sql = format!("{SELECT} WHERE i.date > ?1 ORDER BY i.date, i.id");
        let all = self
            .db()
            .all(&sql, &args![since.to_string()], incident_from_row)?;
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
        let id = self.db().insert(
            "INSERT INTO incident (title, date, ttd_min, ttr_min, users_pct, link, note, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &args![
                new.title,
                new.date.to_string(),
                new.ttd.get(),
                new.ttr.get(),
                new.users.get(),
                new.link,
                new.note,
                self.stamp.clock.now,
            ],
        )?;
        self.link(id, risks)?;
        Ok(id)
    }

    /// Links an incident to more risks (links that exist are kept); returns the incident.
    pub fn link_incident(&mut self, id: i64, risks: &[i64]) -> Result<Incident> {
        let exists = self
            .db()
            .first("SELECT 1 FROM incident WHERE id = ?1", &args![id], |_| {
                Ok(())
            })?;
        if exists.is_none() {
            return Err(Error::NotFound(format!(
                "no incident with id {id}; `riskreg incident list` shows them"
            )));
        }
        self.require_risks(risks)?;
        self.link(id, risks)?;
        let sql = format!("{SELECT} WHERE i.id = ?1");
        self.db()
            .first(&sql, &args![id], incident_from_row)?
            .ok_or_else(|| Error::Internal(format!("incident {id} vanished")))
    }

    /// Links an incident to risks; links that exist are kept.
    fn link(&mut self, id: i64, risks: &[i64]) -> Result<()> {
        for risk in risks {
            self.db().execute(
                "INSERT INTO incident_risk (incident_id, risk_id) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
                &args![id, risk],
            )?;
        }
        Ok(())
    }
}
