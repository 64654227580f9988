//! Risks: create, read, change, review, delete, and the prioritized, filtered listing.

use super::EventFilter;
use std::borrow::Cow;

use super::db::{Append, Db, Row, Value, args, corrupt};
use super::filter::{self, FROM};
use super::history::{NewEvent, record};
use super::{Store, Tx};
use crate::domain::detail::RiskRecord;
use crate::domain::estimates::ESTIMATE_FIELDS;
use crate::domain::lifecycle::{self, Rules};
use crate::domain::rebuild::{Kept, RiskState};
use crate::domain::{
    ActionTally, Amount, Estimates, EventKind, Field, FieldChange, Impact, Likelihood, Link, Risk,
    RiskFields, RiskPatch, Status,
};
use crate::error::{Error, Result};
use crate::query::ListSpec;
use crate::scoring::BandThresholds;
use jiff::civil::Date;

const COLUMNS: &str = "r.id, r.title, r.description, r.category, r.service, r.likelihood, r.impact, r.status, \
     t.name, m.name, m.due, r.owner, r.tags, r.next_review, r.accepted_until, r.approver, \
     r.created_at, r.updated_at, r.revision, r.ettd_min, r.ettr_min, r.users_pct, r.ettf_days, \
     r.target_ettd_min, r.target_ettr_min, r.target_users_pct, r.target_ettf_days, r.links, \
     ra.open_dues, r.target_likelihood, r.target_impact, r.estimate_ranges";

/// A risk to create. `id` and `created_at` are kept when an import brings them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRisk {
    pub fields: RiskFields,
    pub id: Option<i64>,
    pub created_at: Option<String>,
}

/// The outcome of an edit: the risk as it now is, and what changed (empty when nothing did,
/// in which case the revision did not move either).
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub risk: Risk,
    pub changes: Vec<FieldChange>,
}

pub(super) fn date_at(row: &dyn Row, col: usize) -> Result<Option<Date>> {
    match row.text(col)? {
        None => Ok(None),
        Some(s) => s
            .parse::<Date>()
            .map(Some)
            .map_err(|_| corrupt(col, "date", s)),
    }
}

/// Four estimate columns from `col` on: minutes to detect and repair, users, days between.
fn estimates_at(row: &dyn Row, col: usize) -> Result<Estimates> {
    let amount = |c: usize| -> Result<Option<Amount>> {
        match row.real(c)? {
            None => Ok(None),
            Some(v) => Amount::new(v)
                .map(Some)
                .ok_or_else(|| corrupt(c, "estimate", &v.to_string())),
        }
    };
    Ok(Estimates {
        ettd: amount(col)?,
        ettr: amount(col + 1)?,
        users: amount(col + 2)?,
        ettf: amount(col + 3)?,
    })
}

/// A risk's row as the table holds it: what a new risk and a rebuilt register insert.
pub(super) struct RiskRow<'a> {
    /// `None`: the next id.
    pub id: Option<i64>,
    pub fields: &'a RiskFields,
    pub team: Option<i64>,
    pub milestone: Option<i64>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub revision: i64,
}

/// The sort key of a risk planned against no milestone, or one without a due date: after
/// every date.
const NO_DUE: &str = "9999-12-31";

/// The columns of a risk row as [`risk_values`] gives them, then the due-date sort key.
macro_rules! risk_columns {
    () => {
        "id, title, description, category, service, likelihood, impact, status, team_id,
         milestone_id, owner, tags, next_review, accepted_until, approver, created_at, updated_at,
         revision, ettd_min, ettr_min, users_pct, ettf_days, target_ettd_min, target_ettr_min,
         target_users_pct, target_ettf_days, links, target_likelihood, target_impact,
         estimate_ranges, due_order"
    };
}

/// The placeholders of [`risk_values`].
macro_rules! risk_placeholders {
    () => {
        "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
         ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30"
    };
}

/// Inserts one risk row; its priority sort key follows its milestone's due date.
/// Returns the risk's id.
pub(super) fn insert_risk_row(db: Db<'_>, row: &RiskRow<'_>) -> Result<i64> {
    let mut values = risk_values(row);
    values.push(Value::text(NO_DUE));
    db.insert(
        concat!(
            "INSERT INTO risk (",
            risk_columns!(),
            ") VALUES (",
            risk_placeholders!(),
            ", coalesce((SELECT due FROM milestone WHERE id = ?10), ?31))"
        ),
        &values,
    )
}

/// A risk row for a bulk load: its id given, its sort key by its milestone's due date.
const RISK: Append = Append {
    insert: concat!(
        "INSERT INTO risk (",
        risk_columns!(),
        ") VALUES (",
        risk_placeholders!(),
        ", ?31)"
    ),
    copy: concat!("COPY risk (", risk_columns!(), ")"),
};

/// A risk row's values, in the column order of [`insert_risk_row`] and [`RISK`] (without
/// the due-date sort key).
fn risk_values<'a>(row: &RiskRow<'a>) -> Vec<Value<'a>> {
    let f = row.fields;
    let text = |s: &'a str| Value::Text(Cow::Borrowed(s));
    let int = |n: Option<i64>| n.map_or(Value::Null, Value::Int);
    let date = |d: Option<Date>| d.map_or(Value::Null, |d| Value::text(d.to_string()));
    let mut values = vec![
        int(row.id),
        text(&f.title),
        text(&f.description),
        text(&f.category),
        text(&f.service),
        Value::Int(i64::from(f.likelihood.get())),
        Value::Int(i64::from(f.impact.get())),
        text(f.status.as_str()),
        int(row.team),
        int(row.milestone),
        text(&f.owner),
        Value::text(f.tags.join(",")),
        date(f.next_review),
        date(f.accepted_until),
        text(&f.approver),
        text(row.created_at),
        text(row.updated_at),
        Value::Int(row.revision),
    ];
    values.extend(
        estimate_values(f)
            .into_iter()
            .map(|v| v.map_or(Value::Null, Value::Real)),
    );
    values.extend([
        Value::text(f.value_text(Field::Links)),
        int(f.target_likelihood.map(|l| i64::from(l.get()))),
        int(f.target_impact.map(|i| i64::from(i.get()))),
        Value::text(ranges_text(f)),
    ]);
    values
}

/// The estimate ranges of a risk as stored: `ettr=20..60;target_users=5..10`, each a field's
/// name and its exact ends, in [`ESTIMATE_FIELDS`] order.
fn ranges_text(f: &RiskFields) -> String {
    ESTIMATE_FIELDS
        .iter()
        .filter_map(|field| {
            let amount = f.amount(*field).flatten()?;
            amount
                .bounds()
                .map(|_| format!("{}={amount}", field.name()))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Puts the stored ranges back on the estimates they belong to.
fn apply_ranges(fields: &mut RiskFields, text: &str, col: usize) -> Result<()> {
    for part in text.split(';').filter(|p| !p.is_empty()) {
        let amount = part.split_once('=').and_then(|(name, range)| {
            let field = Field::from_name(name)?;
            let (low, high) = range.split_once("..")?;
            let amount = Amount::range(low.parse().ok()?, high.parse().ok()?)?;
            Some((field, amount))
        });
        let (field, amount) = amount.ok_or_else(|| corrupt(col, "estimate range", part))?;
        fields.set_amount(field, Some(amount));
    }
    Ok(())
}

/// The eight estimate values in column order (now, then target), for binding.
fn estimate_values(f: &RiskFields) -> [Option<f64>; 8] {
    let v = |a: Option<Amount>| a.map(Amount::get);
    let (e, t) = (&f.estimates, &f.target);
    [
        v(e.ettd),
        v(e.ettr),
        v(e.users),
        v(e.ettf),
        v(t.ettd),
        v(t.ettr),
        v(t.users),
        v(t.ettf),
    ]
}

/// A risk's links as stored: one a line, `URL` or `URL label`.
fn links_at(row: &dyn Row, col: usize) -> Result<Vec<Link>> {
    let text = row.text(col)?.unwrap_or_default();
    Ok(text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (url, label) = l.split_once(' ').unwrap_or((l, ""));
            Link {
                url: url.to_string(),
                label: label.to_string(),
            }
        })
        .collect())
}

fn risk_from_row(row: &dyn Row, bands: &BandThresholds, today: Date) -> Result<Risk> {
    let level = |col: usize| -> Result<u8> {
        let v: i64 = row.get(col)?;
        u8::try_from(v).map_err(|_| corrupt(col, "level", &v.to_string()))
    };
    let likelihood =
        Likelihood::new(level(5)?).ok_or_else(|| corrupt(5, "likelihood", "out of range"))?;
    let impact = Impact::new(level(6)?).ok_or_else(|| corrupt(6, "impact", "out of range"))?;
    let status_text: String = row.get(7)?;
    let status = Status::parse(&status_text).map_err(|_| corrupt(7, "status", &status_text))?;
    let tags: String = row.get(12)?;
    let target_level = |col: usize| -> Result<Option<u8>> {
        row.get::<Option<i64>>(col)?
            .map(|v| u8::try_from(v).map_err(|_| corrupt(col, "level", &v.to_string())))
            .transpose()
    };
    let mut fields = RiskFields {
        title: row.get(1)?,
        description: row.get(2)?,
        category: row.get(3)?,
        service: row.get(4)?,
        likelihood,
        impact,
        target_likelihood: target_level(29)?.and_then(Likelihood::new),
        target_impact: target_level(30)?.and_then(Impact::new),
        status,
        team: row.get(8)?,
        milestone: row.get(9)?,
        owner: row.get(11)?,
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        next_review: date_at(row, 13)?,
        accepted_until: date_at(row, 14)?,
        approver: row.get(15)?,
        estimates: estimates_at(row, 19)?,
        target: estimates_at(row, 23)?,
        links: links_at(row, 27)?,
    };
    let ranges = row.text(31)?.unwrap_or_default();
    if !ranges.is_empty() {
        apply_ranges(&mut fields, ranges, 31)?;
    }
    let dues: Option<String> = row.get(28)?;
    Ok(Risk {
        id: row.get(0)?,
        band: bands.band_for_score(fields.score()),
        target_band: bands.band_for_score(fields.target_score()),
        fields,
        milestone_due: date_at(row, 10)?,
        created_at: row.get(16)?,
        updated_at: row.get(17)?,
        revision: row.get(18)?,
        actions: ActionTally::from_dues(dues.as_deref(), today),
    })
}

pub(super) fn get_risk(
    db: Db<'_>,
    id: i64,
    bands: &BandThresholds,
    today: Date,
) -> Result<Option<Risk>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE r.id = ?1");
    db.first(&sql, &args![id], |row| risk_from_row(row, bands, today))
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!(
        "no risk with id {id}; `riskreg list --all` shows every risk"
    ))
}

impl Store {
    /// One risk, or a not-found error.
    pub fn risk(&self, id: i64) -> Result<Risk> {
        get_risk(self.db(), id, &self.settings.bands, self.today)?.ok_or_else(|| not_found(id))
    }

    /// Calls `each` with every risk the spec selects, in its order, one at a time: memory
    /// stays flat however large the register is.
    /// One risk with its latest `events` events and `comments` comments, its incidents and
    /// its actions: what `show` and the detail pane read.
    pub fn risk_record(&self, id: i64, events: u64, comments: u64) -> Result<RiskRecord> {
        let risk = self.risk(id)?;
        let latest = |limit: u64, kind: Option<EventKind>| {
            self.events(&EventFilter {
                risk_id: Some(id),
                kind,
                limit: Some(limit),
                ..EventFilter::default()
            })
        };
        Ok(RiskRecord {
            risk,
            events: latest(events, None)?,
            comments: latest(comments, Some(EventKind::Comment))?,
            incidents: self.incidents(Some(id))?,
            actions: self.actions_of(id)?,
        })
    }

    pub fn for_each_risk(
        &self,
        spec: &ListSpec,
        today: Date,
        mut each: impl FnMut(Risk) -> Result<()>,
    ) -> Result<()> {
        let query = filter::select(spec, today, &self.settings, COLUMNS);
        self.db().each(&query.sql, &query.params, |row| {
            each(risk_from_row(row, &self.settings.bands, today)?)
        })
    }

    pub fn list_risks(&self, spec: &ListSpec, today: Date) -> Result<Vec<Risk>> {
        let mut out = Vec::new();
        self.for_each_risk(spec, today, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// How many risks the spec selects (its limit aside).
    pub fn count_risks(&self, spec: &ListSpec, today: Date) -> Result<u64> {
        let cond = filter::condition(spec, today, &self.settings);
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {}",
            filter::aggregate_from(spec),
            cond.sql
        );
        let n: i64 = self.db().value(&sql, &cond.params)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Counts per likelihood × impact cell: `counts[likelihood - 1][impact - 1]`.
    /// Counts by likelihood and impact; `residual` counts each risk at its target levels
    /// (today's where it has none).
    pub fn matrix(&self, spec: &ListSpec, today: Date, residual: bool) -> Result<[[u64; 5]; 5]> {
        let cond = filter::condition(spec, today, &self.settings);
        let (l, i) = if residual {
            (
                "coalesce(r.target_likelihood, r.likelihood)",
                "coalesce(r.target_impact, r.impact)",
            )
        } else {
            ("r.likelihood", "r.impact")
        };
        let sql = format!(
            "SELECT {l}, {i}, count(*) FROM {} WHERE {} GROUP BY 1, 2",
            filter::aggregate_from(spec),
            cond.sql
        );
        let mut counts = [[0u64; 5]; 5];
        self.db().each(&sql, &cond.params, |row| {
            let (l, i, n): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let cell = usize::try_from(l - 1)
                .ok()
                .zip(usize::try_from(i - 1).ok())
                .and_then(|(l, i)| counts.get_mut(l).and_then(|r| r.get_mut(i)));
            match cell {
                Some(c) => *c = u64::try_from(n).unwrap_or(0),
                None => return Err(corrupt(0, "likelihood/impact", &format!("{l}/{i}"))),
            }
            Ok(())
        })?;
        Ok(counts)
    }

    /// (active, all) risk counts.
    pub fn risk_totals(&self) -> Result<(u64, u64)> {
        let (active, all): (i64, i64) = self
            .db()
            .first(
                "SELECT count(*) FILTER (WHERE status IN ('open', 'mitigating', 'accepted')), count(*) FROM risk",
                &[],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .unwrap_or_default();
        Ok((
            u64::try_from(active).unwrap_or(0),
            u64::try_from(all).unwrap_or(0),
        ))
    }
}

impl Tx<'_> {
    /// One risk as this transaction sees it.
    pub fn risk(&self, id: i64) -> Result<Option<Risk>> {
        get_risk(self.db(), id, &self.settings.bands, self.stamp.clock.today)
    }

    /// Adds and removes links (`patch`'s `add_links` and `remove_links`); removing a link the
    /// risk does not have is "not found" (exit 1), naming it.
    pub fn change_links(
        &mut self,
        id: i64,
        expected: Option<i64>,
        patch: &RiskPatch,
        note: &str,
    ) -> Result<Edit> {
        let current = self.existing_risk(id)?;
        if let Some(url) = patch
            .remove_links
            .iter()
            .find(|url| !current.fields.links.iter().any(|l| &l.url == *url))
        {
            return Err(Error::NotFound(format!(
                "risk {id} has no link '{}'; `riskreg show {id}` lists its links",
                crate::text::echo(url)
            )));
        }
        self.update_risk(id, expected, patch, Rules::Interactive, note)
    }

    /// One risk as this transaction sees it; a missing one is "not found" (exit 1).
    pub fn existing_risk(&self, id: i64) -> Result<Risk> {
        self.risk(id)?.ok_or_else(|| not_found(id))
    }

    /// The current revision of a risk, if it exists (cheaper than reading the risk).
    pub fn risk_revision(&self, id: i64) -> Result<Option<i64>> {
        self.db()
            .first("SELECT revision FROM risk WHERE id = ?1", &args![id], |r| {
                r.get(0)
            })
    }

    /// A risk's fields as they stood at `revision`, rebuilt from its history (the base of a
    /// three-way merge); none when the risk is missing, `revision` is newer than it or the
    /// history cannot rebuild that state.
    pub fn risk_at_revision(&self, id: i64, revision: i64) -> Result<Option<RiskFields>> {
        let Some(now) = self.risk(id)? else {
            return Ok(None);
        };
        if revision > now.revision {
            return Ok(None);
        }
        let events = self.db().all(
            "SELECT id, risk_id, at, actor, kind, field, old, new, revision, note, action_id
             FROM event WHERE risk_id = ?1 AND action_id IS NULL AND revision > ?2
             ORDER BY id DESC",
            &args![id, revision],
            super::history::event_from_row,
        )?;
        Ok(crate::domain::rebuild::at_revision(
            RiskState::of(&now),
            &events,
            revision,
        ))
    }

    /// The highest id ever given to a risk (ids of deleted risks are never reused).
    pub fn highest_risk_id_ever(&self) -> Result<i64> {
        self.highest_id_ever("risk")
    }

    /// The highest id ever given to a row of `table` (its AUTOINCREMENT counter).
    pub(super) fn highest_id_ever(&self, table: &str) -> Result<i64> {
        self.db().counter(table)
    }

    /// Creates a risk after checking it ([`lifecycle::plan_create`]); team and milestone must
    /// exist. Records a `create` (or `import`) event. Returns the new id.
    pub fn create_risk(
        &mut self,
        new: NewRisk,
        rules: Rules,
        kind: EventKind,
        note: &str,
    ) -> Result<i64> {
        let today = self.stamp.clock.today;
        let mut fields = lifecycle::plan_create(new.fields, rules, today, self.settings)?;
        let team = self.resolve_team(fields.team.as_deref())?;
        let milestone = self.resolve_milestone(fields.milestone.as_deref())?;
        fields.team = team.as_ref().map(|(_, n)| n.clone());
        fields.milestone = milestone.as_ref().map(|(_, n)| n.clone());
        self.require_may_edit("a new risk", fields.team.as_deref())?;
        let now = self.stamp.clock.now.clone();
        let row = RiskRow {
            id: new.id,
            fields: &fields,
            team: team.map(|(id, _)| id),
            milestone: milestone.map(|(id, _)| id),
            created_at: new.created_at.as_deref().unwrap_or(&now),
            updated_at: &now,
            revision: 1,
        };
        let id = match self.bulk.is_some() {
            true => self.append_risk_row(row)?,
            false => insert_risk_row(self.db(), &row)?,
        };
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: None,
                risk_id: id,
                action_id: None,
                kind,
                field: None,
                old: None,
                new: Some(&fields.title),
                revision: Some(1),
                note,
            },
        )?;
        Ok(id)
    }

    /// Appends a new risk's row during a bulk load, with the id the load gives it.
    fn append_risk_row(&mut self, mut row: RiskRow<'_>) -> Result<i64> {
        let due_order = self.due_order(row.milestone)?;
        let bulk = self
            .bulk
            .as_mut()
            .ok_or_else(|| Error::Internal("a bulk row outside a bulk load".into()))?;
        let id = bulk.give(row.id)?;
        row.id = Some(id);
        let mut values = risk_values(&row);
        values.push(Value::text(due_order));
        self.db().append(&RISK, &values)?;
        Ok(id)
    }

    /// How a risk planned against `milestone` sorts by due date ([`NO_DUE`] for none),
    /// looked up once per milestone during a bulk load.
    fn due_order(&mut self, milestone: Option<i64>) -> Result<String> {
        let Some(id) = milestone else {
            return Ok(NO_DUE.into());
        };
        if let Some(due) = self.bulk.as_ref().and_then(|b| b.due_order(id)) {
            return Ok(due.to_string());
        }
        let due: String = self.db().value(
            "SELECT coalesce(due, ?2) FROM milestone WHERE id = ?1",
            &args![id, NO_DUE],
        )?;
        if let Some(bulk) = self.bulk.as_mut() {
            bulk.remember_due(id, &due);
        }
        Ok(due)
    }

    /// Applies `patch` to risk `id` inside this transaction, so the read and the write see the
    /// same revision. With `expected`, a risk at another revision is a conflict (exit 75).
    pub fn update_risk(
        &mut self,
        id: i64,
        expected: Option<i64>,
        patch: &RiskPatch,
        rules: Rules,
        note: &str,
    ) -> Result<Edit> {
        let current = self.risk(id)?.ok_or_else(|| not_found(id))?;
        let what = format!("risk {id}");
        self.require_may_edit(&what, current.fields.team.as_deref())?;
        if let Some(expected) = expected
            && expected != current.revision
        {
            return Err(Error::RevisionConflict {
                entity: "risk",
                id,
                expected,
                current: current.revision,
            });
        }
        let mut next = lifecycle::plan_edit(
            &current.fields,
            patch,
            rules,
            self.stamp.clock.today,
            self.settings,
        )?;
        let team = self.resolve_team(next.team.as_deref())?;
        let milestone = self.resolve_milestone(next.milestone.as_deref())?;
        next.team = team.as_ref().map(|(_, n)| n.clone());
        next.milestone = milestone.as_ref().map(|(_, n)| n.clone());
        if next.team != current.fields.team {
            self.require_may_edit(&what, next.team.as_deref())?;
        }
        let changes = current.fields.changes_to(&next);
        if changes.is_empty() {
            return Ok(Edit {
                risk: current,
                changes,
            });
        }
        let est = estimate_values(&next);
        let updated = self.db().execute(
                "UPDATE risk SET title = ?1, description = ?2, category = ?3, service = ?4, likelihood = ?5,
                     impact = ?6, status = ?7, team_id = ?8, milestone_id = ?9, owner = ?10, tags = ?11,
                     next_review = ?12, accepted_until = ?13, approver = ?14, updated_at = ?15,
                     revision = revision + 1,
                     due_order = coalesce((SELECT due FROM milestone WHERE id = ?9), ?30),
                     ettd_min = ?18, ettr_min = ?19, users_pct = ?20, ettf_days = ?21, target_ettd_min = ?22,
                     target_ettr_min = ?23, target_users_pct = ?24, target_ettf_days = ?25, links = ?26,
                     target_likelihood = ?27, target_impact = ?28, estimate_ranges = ?29
                 WHERE id = ?16 AND revision = ?17",
            &args![
                next.title,
                next.description,
                next.category,
                next.service,
                next.likelihood.get(),
                next.impact.get(),
                next.status.as_str(),
                team.map(|(id, _)| id),
                milestone.map(|(id, _)| id),
                next.owner,
                next.tags.join(","),
                next.next_review.map(|d| d.to_string()),
                next.accepted_until.map(|d| d.to_string()),
                next.approver,
                self.stamp.clock.now,
                id,
                current.revision,
                est[0],
                est[1],
                est[2],
                est[3],
                est[4],
                est[5],
                est[6],
                est[7],
                next.value_text(Field::Links),
                next.target_likelihood.map(Likelihood::get),
                next.target_impact.map(Impact::get),
                ranges_text(&next),
                NO_DUE,
            ],
        )?;
        if updated != 1 {
            // Cannot happen inside an IMMEDIATE transaction; refuse rather than lose a write.
            let now = self.risk(id)?.map_or(current.revision, |r| r.revision);
            return Err(Error::RevisionConflict {
                entity: "risk",
                id,
                expected: current.revision,
                current: now,
            });
        }
        let revision = current.revision + 1;
        for change in &changes {
            record(
                self.db(),
                &self.stamp,
                &NewEvent {
                    state: None,
                    risk_id: id,
                    action_id: None,
                    kind: if change.field == Field::Status {
                        EventKind::Status
                    } else {
                        EventKind::Change
                    },
                    field: Some(change.field.name()),
                    old: Some(&change.old),
                    new: Some(&change.new),
                    revision: Some(revision),
                    note,
                },
            )?;
        }
        let risk = self.risk(id)?.ok_or_else(|| not_found(id))?;
        Ok(Edit { risk, changes })
    }

    /// Records a review: the next review moves out by the band's cadence.
    pub fn review_risk(&mut self, id: i64, note: &str) -> Result<Risk> {
        let current = self.risk(id)?.ok_or_else(|| not_found(id))?;
        self.require_may_edit(&format!("risk {id}"), current.fields.team.as_deref())?;
        let next = lifecycle::plan_review(&current.fields, self.stamp.clock.today, self.settings);
        let old = current.fields.value_text(Field::NextReview);
        let new = next.value_text(Field::NextReview);
        self.db().execute(
            "UPDATE risk SET next_review = ?1, updated_at = ?2, revision = revision + 1 WHERE id = ?3 AND revision = ?4",
            &args![new, self.stamp.clock.now, id, current.revision],
        )?;
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: None,
                risk_id: id,
                action_id: None,
                kind: EventKind::Review,
                field: Some(Field::NextReview.name()),
                old: Some(&old),
                new: Some(&new),
                revision: Some(current.revision + 1),
                note,
            },
        )?;
        self.risk(id)?.ok_or_else(|| not_found(id))
    }

    /// Deletes a risk and its actions; their history stays, with a `delete` event naming
    /// each.
    pub fn delete_risk(&mut self, id: i64, note: &str) -> Result<Risk> {
        let current = self.risk(id)?.ok_or_else(|| not_found(id))?;
        self.require_may_edit(&format!("risk {id}"), current.fields.team.as_deref())?;
        for action in self.action_ids_of(id)? {
            self.delete_action(action, None, note)?;
        }
        self.db()
            .execute("DELETE FROM risk WHERE id = ?1", &args![id])?;
        let kept = Kept::of_risk(&RiskState::of(&current)).to_json();
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: Some(&kept),
                risk_id: id,
                action_id: None,
                kind: EventKind::Delete,
                field: None,
                old: Some(&current.fields.title),
                new: None,
                revision: None,
                note,
            },
        )?;
        Ok(current)
    }

    /// Ids of the risks that use a team or milestone, for reassigning them.
    pub(super) fn risk_ids_where(&self, column: &str, id: i64) -> Result<Vec<i64>> {
        let sql = match column {
            "team_id" => "SELECT id FROM risk WHERE team_id = ?1 ORDER BY id",
            _ => "SELECT id FROM risk WHERE milestone_id = ?1 ORDER BY id",
        };
        self.db().ids(sql, &args![id])
    }
}
