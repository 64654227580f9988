//! Loading what the views show: requests to the loader, answers applied, the rows on
//! screen read by id, and the `data_version` poll that notices other processes' commits.

use super::*;
use crate::query::quote_value;

impl App {
    /// Reloads everything a view shows (after our own commits, and when another process
    /// committed).
    pub fn reload(&mut self) {
        self.reloads += 1;
        self.request_rows();
        self.request_actions();
        self.overview_generation += 1;
        let request = Request::Overview {
            generation: self.overview_generation,
            today: self.today(),
        };
        self.send(request);
        self.request_history();
        self.request_reviews();
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
                    residual: self.tabs.matrix.residual,
                };
                self.send(request);
            }
            Err(e) => self.filter.error = Some(sanitize_line(&e.to_string()).into_owned()),
        }
    }

    pub(super) fn request_actions(&mut self) {
        match self.action_spec() {
            Ok(spec) => {
                self.actions_generation += 1;
                let request = Request::Actions {
                    generation: self.actions_generation,
                    spec,
                    today: self.today(),
                };
                self.send(request);
            }
            Err(e) => {
                self.action_filter.error = Some(sanitize_line(&e.to_string()).into_owned());
            }
        }
    }

    pub(super) fn send(&mut self, request: Request) {
        match &self.loader {
            Loader::Inline => {
                let response = data::fetch(&mut self.store, &request);
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
            Response::Actions(Ok(rows))
                if rows.generation > self.actions_applied
                    && self.action_spec().is_ok_and(|s| s == rows.spec) =>
            {
                self.actions_applied = rows.generation;
                let keep = self
                    .pending_action
                    .take()
                    .or_else(|| self.tabs.actions.selected_id());
                self.tabs.actions.list.set_ids(rows.ids, keep);
                self.refresh_actions();
            }
            Response::Overview(Ok(o)) if o.generation > self.overview_applied => {
                self.overview_applied = o.generation;
                self.apply_overview(*o);
            }
            Response::History(Ok(page)) => self.apply_history(page),
            Response::Review(Ok(answer)) => self.apply_review(answer),
            Response::Exported(Ok((path, n))) => self.info(format!(
                "wrote {} to {}",
                crate::domain::figures::count(n, "risk", "risks"),
                sanitize_line(&path.display().to_string())
            )),
            Response::Rows(Err(e))
            | Response::Actions(Err(e))
            | Response::Overview(Err(e))
            | Response::History(Err(e))
            | Response::Review(Err(e))
            | Response::Exported(Err(e)) => {
                self.error(&e);
            }
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
            .or_else(|| self.tabs.risks.selected_id());
        self.tabs.apply_rows(&rows);
        self.tabs.risks.list.set_ids(rows.ids, keep);
        self.refresh_visible();
    }

    pub(super) fn apply_overview(&mut self, o: Overview) {
        self.totals = o.totals;
        self.has_catalog = !o.teams.iter().all(|t| t.team.is_none()) || !o.milestones.is_empty();
        self.tabs.apply_overview(&o);
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
        let visible = self.store.risks_by_ids(self.tabs.risks.list.window());
        let detail = match self.tabs.risks.selected_id() {
            Some(id) => match self.store.risk_record(id, DETAIL_EVENTS, DETAIL_COMMENTS) {
                Ok(record) => Ok(Some(record)),
                Err(Error::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        };
        match (visible, detail) {
            (Ok(v), Ok(d)) => {
                self.tabs.risks.visible = v;
                self.tabs.risks.detail = d;
            }
            (Err(e), _) | (_, Err(e)) => self.error(&e),
        }
    }

    /// The actions on screen, read by id.
    pub(super) fn refresh_actions(&mut self) {
        match self.store.actions_by_ids(self.tabs.actions.list.window()) {
            Ok(v) => self.tabs.actions.visible = v,
            Err(e) => self.error(&e),
        }
    }

    pub(super) fn refresh_milestone_risks(&mut self) {
        let Some(m) = self.tabs.roadmap.selected() else {
            self.tabs.roadmap.risks.clear();
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
            Ok(r) => self.tabs.roadmap.risks = r,
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
        self.set_pages();
        self.refresh_visible();
        self.refresh_actions();
    }
}
