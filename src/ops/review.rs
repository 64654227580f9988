//! The weekly review's figures, for both shells: the agenda of what changed in a window
//! (`riskreg changes`, the History tab's since view), the trend week by week (`riskreg
//! trend`, the Budget tab's chart), and each risk's band at a past moment (the Risks tab's
//! band-move arrows). Each walks back through the history once.

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::clock::Moment;
use crate::domain::changes::{Agenda, BudgetMove, Window, changes as agenda};
use crate::domain::rebuild::Gap;
use crate::domain::trend::{Tally, Week, due_dates, week};
use crate::error::{Error, Result};
use crate::query::{ListSpec, Query};
use crate::scoring::Band;
use crate::store::Store;

/// The window from the start of `since` to `end`: `Err` (usage) when it holds no day.
pub(crate) fn window_start(since: Date, end: &Moment) -> Result<Moment> {
    let start = since
        .yesterday()
        .and_then(Moment::end_of)
        .map_err(|e| Error::Usage(format!("--since {since}: {e}")))?;
    if start.until >= end.until {
        return Err(Error::Usage(format!(
            "--since {since} is not before --until {}; the window needs at least a day",
            end.today
        )));
    }
    Ok(start)
}

/// What changed between `start` and `end` (from [`window_start`]) to the risks `query`
/// selects at either end (all when `None`), and what the history cannot rebuild.
pub(crate) fn changes(
    store: &Store,
    start: &Moment,
    end: &Moment,
    since: Date,
    query: Option<&Query>,
) -> Result<(Agenda, Vec<Gap>)> {
    // One walk back through the history: the register at the end (kept), then at the
    // start (where the walk stops).
    let mut after = None;
    let before = store.walk_back(&[end.until.clone(), start.until.clone()], |k, r, _| {
        if k == 0 {
            after = Some(r.clone());
        }
        Ok(())
    })?;
    let Some(after) = after else {
        return Err(Error::Internal("the walk back skipped a moment".into()));
    };
    // A query runs on each end's register, loaded in memory only when there is one.
    let keep = match query {
        None => None,
        Some(query) => {
            let spec = ListSpec {
                query: query.clone(),
                all: true,
                ..ListSpec::default()
            };
            let mut ids = HashSet::new();
            for m in [start, end] {
                // The walk back above found any gap already.
                store
                    .as_of(&m.until, m.today)?
                    .0
                    .for_each_risk(&spec, m.today, |risk| {
                        ids.insert(risk.id);
                        Ok(())
                    })?;
            }
            Some(ids)
        }
    };
    let keep_fn = |id: i64| keep.as_ref().is_none_or(|k| k.contains(&id));
    let milestones = store.milestones(end.today)?;
    let dues = due_dates(&milestones);
    let items = agenda(
        &Window {
            before: &before,
            after: &after,
            since,
            until: end.today,
        },
        &store.settings().bands,
        &store.incidents(None)?,
        &keep_fn,
        &|name: &str| dues.get(&name.to_lowercase()).copied(),
    );
    let then = week(&before, start.today, store.settings(), &milestones);
    let now = week(&after, end.today, store.settings(), &milestones);
    let doc = Agenda {
        schema_version: 1,
        since: since.to_string(),
        until: end.today.to_string(),
        budget: BudgetMove {
            budget_minutes: now.budget_minutes,
            then_minutes: then.bad_minutes,
            now_minutes: now.bad_minutes,
        },
        changes: items,
    };
    // The walk reached `before` last: its gaps are every gap of the window.
    Ok((doc, before.gaps))
}

/// The register's figures at the end of each of the last `weeks` weeks (the newest ends
/// `today`), oldest first, and what the history cannot rebuild.
pub(crate) fn trend(store: &Store, today: Date, weeks: u16) -> Result<(Vec<Week>, Vec<Gap>)> {
    let mut moments = Vec::new();
    let mut days = Vec::new();
    for k in 0..i64::from(weeks) {
        let day = today.saturating_sub(jiff::Span::new().days(7 * k));
        let m = Moment::end_of(day).map_err(|e| Error::Usage(format!("--weeks {weeks}: {e}")))?;
        moments.push(m.until);
        days.push(day);
    }
    let milestones = store.milestones(today)?;
    let mut rows = Vec::new();
    // The first week's figures from every risk and action; each older week's from the
    // ones the walk touched since.
    let mut tally: Option<Tally<'_>> = None;
    let oldest = store.walk_back(&moments, |k, register, touched| {
        let tally = match &mut tally {
            Some(t) => {
                t.update(register, touched);
                t
            }
            None => tally.insert(Tally::new(register, store.settings(), &milestones)),
        };
        rows.push(tally.week(days[k]));
        Ok(())
    })?;
    rows.reverse();
    Ok((rows, oldest.gaps))
}

/// Each risk's band at `moment` (risks that did not exist then are missing).
pub(crate) fn bands_at(store: &Store, moment: &Moment) -> Result<HashMap<i64, Band>> {
    let register = store.walk_back(std::slice::from_ref(&moment.until), |_, _, _| Ok(()))?;
    let bands = &store.settings().bands;
    Ok(register
        .risks
        .iter()
        .map(|(id, r)| (*id, bands.band_for_score(r.fields.score())))
        .collect())
}
