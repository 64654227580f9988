//! Loading what the views show: requests to the loader, answers applied, the rows on
//! screen read by id, and the `data_version` poll that notices other processes' commits.

use super::*;

impl App {
    /// Reloads everything a view shows (after our own commits, and when another process
    /// committed).
    pub fn reload(&mut self) {
        self.reloads += 1;
        self.request_rows();
        self.overview_generation += 1;
        let request = Request::Overview {
            generation: self.overview_generation,
            today: self.today(),
            history_risk: self.history_risk,
        };
        self.send(request);
        self.refresh_milestone_risks();
    }

    pub(super) fn request_rows(&mut self) {
        match self.spec() {
            Ok(spec) => {
                self.rows_generation += 1;
                let request = Request::Rows {
                    generation: self.rows_generation,
                    spec,
                    today: self.today(),
                };
                self.send(request);
            }
            Err(e) => self.filter.error = Some(sanitize_line(&e.to_string()).into_owned()),
        }
    }

    pub(super) fn send(&mut self, request: Request) {
        match &self.loader {
            Loader::Inline => {
                let response = data::fetch(&self.store, &request);
                self.apply(response);
            }
            Loader::Worker(w) => w.send(request),
        }
    }

    /// Applies an answer of the loader. Any answer newer than the one on screen is shown,
    /// even when a newer request is already on its way: under a steady stream of other
    /// processes' commits a long overview pass is always overtaken, and dropping it would
    /// leave the figures empty for as long as the writes go on. Rows of another filter or
    /// sort (the person typed on) are dropped.
    pub fn apply(&mut self, response: Response) {
        match response {
            Response::Rows(Ok(rows))
                if rows.generation > self.rows_applied
                    && self.spec().is_ok_and(|s| s == rows.spec) =>
            {
                self.rows_applied = rows.generation;
                self.apply_rows(rows);
            }
            Response::Overview(Ok(o)) if o.generation > self.overview_applied => {
                self.overview_applied = o.generation;
                self.apply_overview(o);
            }
            Response::Rows(Err(e)) | Response::Overview(Err(e)) => self.error(&e),
            _ => {}
        }
    }

    /// Whether the overview on screen (totals, teams, roadmap, budget) predates the latest
    /// change: a newer pass is on its way.
    pub fn overview_stale(&self) -> bool {
        self.overview_applied < self.overview_generation
    }

    /// Whether any overview has arrived yet.
    pub fn overview_loaded(&self) -> bool {
        self.overview_applied > 0
    }

    pub(super) fn apply_rows(&mut self, rows: Rows) {
        let keep = self
            .pending_select
            .take()
            .or_else(|| self.risks.selected_id());
        self.risks.ids = rows.ids;
        self.matrix = rows.matrix;
        self.risks.loaded = true;
        self.risks.selected = keep
            .and_then(|id| self.risks.ids.iter().position(|x| *x == id))
            .unwrap_or_else(|| {
                self.risks
                    .selected
                    .min(self.risks.ids.len().saturating_sub(1))
            });
        self.refresh_visible();
    }

    pub(super) fn apply_overview(&mut self, o: Overview) {
        self.totals = o.totals;
        self.teams = o.teams;
        // The team-less row only when some risk has no team.
        self.teams.retain(|t| t.team.is_some() || t.active() > 0);
        self.team_cursor = self.team_cursor.min(self.teams.len().saturating_sub(1));
        let chosen = self
            .milestones
            .get(self.milestone_cursor)
            .map(|m| m.name.clone());
        self.milestones = o.milestones;
        self.milestone_cursor = chosen
            .and_then(|n| self.milestones.iter().position(|m| m.name == n))
            .unwrap_or(0);
        if o.history_risk == self.history_risk {
            self.history = o.history;
        }
        let ranked = o.report.top_by_bad_minutes.len();
        self.budget_cursor = self.budget_cursor.min(ranked.saturating_sub(1));
        self.budget = Some(o.report);
        self.history_cursor = self
            .history_cursor
            .min(self.history.len().saturating_sub(1));
        if !self.welcomed {
            self.welcomed = true;
            if self.totals.1 == 0 && self.popup.is_none() {
                self.popup = Some(Popup::Welcome);
            }
        }
        self.refresh_milestone_risks();
    }

    /// Rows on screen and the detail of the selected risk, read by id (cheap at any size).
    pub(super) fn refresh_visible(&mut self) {
        let rows = layout::risk_rows(self.size).max(1);
        let list = &mut self.risks;
        if list.selected < list.offset {
            list.offset = list.selected;
        } else if list.selected >= list.offset + rows {
            list.offset = list.selected + 1 - rows;
        }
        list.offset = list.offset.min(list.ids.len().saturating_sub(rows));
        let end = (list.offset + rows).min(list.ids.len());
        let window = list.ids.get(list.offset..end).unwrap_or_default();
        let visible = self.store.risks_by_ids(window);
        let detail = match list.selected_id() {
            Some(id) => self.store.risks_by_ids(&[id]).and_then(|r| {
                let events = self.store.events(&EventFilter {
                    risk_id: Some(id),
                    since: None,
                    limit: Some(DETAIL_EVENTS),
                })?;
                let incidents = self.store.incidents(Some(id))?;
                Ok(r.into_iter().next().map(|risk| (risk, events, incidents)))
            }),
            None => Ok(None),
        };
        match (visible, detail) {
            (Ok(v), Ok(d)) => {
                self.risks.visible = v;
                self.risks.detail = d;
            }
            (Err(e), _) | (_, Err(e)) => self.error(&e),
        }
    }

    pub(super) fn refresh_milestone_risks(&mut self) {
        let Some(m) = self.milestones.get(self.milestone_cursor) else {
            self.milestone_risks.clear();
            return;
        };
        let spec =
            Query::parse(&format!("milestone:{}", quote_value(&m.name))).map(|query| ListSpec {
                query,
                all: false,
                sort: SortKey::Score,
                limit: Some(ROADMAP_RISKS),
            });
        let today = self.today();
        match spec
            .map_err(Error::from)
            .and_then(|s| self.store.list_risks(&s, today))
        {
            Ok(r) => self.milestone_risks = r,
            Err(e) => self.error(&e),
        }
    }

    /// Looks for commits by other processes; reloads when there were some.
    pub fn poll_changes(&mut self) -> bool {
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.reload();
                true
            }
            Ok(_) => false,
            Err(e) => {
                self.error(&e);
                false
            }
        }
    }

    pub fn resize(&mut self, size: Rect) {
        self.size = size;
        self.refresh_visible();
    }
}
