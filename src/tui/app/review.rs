//! The views that read the history: the History tab's pages and since view, the Budget
//! tab's trend chart and the Risks tab's band moves. Each asks the loader's review lane
//! (a walk back through the history takes seconds on a large register) and shows the
//! newest answer.

use super::*;
use crate::clock::Moment;
use crate::domain::validate;
use crate::tui::data::{HISTORY_PAGE, HistoryPage, Review, ReviewAnswer, Reviewed, TREND_WEEKS};
use crate::tui::popups::prompt::SinceFor;
use crate::tui::tabs::history::SinceView;
use crate::tui::tabs::risks::BandMoves;

impl App {
    /// The first page of the history the History tab's filter selects.
    pub(super) fn request_history(&mut self) {
        match self.history_query() {
            Ok(query) => {
                self.history_generation += 1;
                self.tabs.history.loading_more = false;
                let request = Request::History {
                    generation: self.history_generation,
                    query,
                    before: None,
                };
                self.send(request);
            }
            Err(e) => {
                self.history_filter.error = Some(sanitize_line(&e.to_string()).into_owned());
            }
        }
    }

    /// The next page of older events, when the cursor nears the end of those loaded.
    pub(super) fn request_more_history(&mut self) {
        let (Some(before), Ok(query)) = (self.tabs.history.wants_more(), self.history_query())
        else {
            return;
        };
        self.tabs.history.loading_more = true;
        let request = Request::History {
            generation: self.history_generation,
            query,
            before: Some(before),
        };
        self.send(request);
    }

    pub(super) fn apply_history(&mut self, page: HistoryPage) {
        if page.generation < self.history_applied
            || self.history_query().is_ok_and(|q| q != page.query)
        {
            return; // an answer for a filter typed over since
        }
        let appended = page.before.is_some();
        if appended
            && (page.generation != self.history_applied
                || self.tabs.history.events.last().map(|e| e.id) != page.before)
        {
            return; // a page of a list that has since been read again
        }
        self.history_applied = page.generation;
        self.tabs
            .history
            .take_page(page.events, appended, HISTORY_PAGE);
        // The cursor may already be near the end of a short page.
        self.request_more_history();
    }

    /// After a change: every view of the history that is open falls behind, and the one on
    /// screen asks again at once. The others wait until their tab shows (a walk back takes
    /// seconds on a large register; under a stream of other people's writes, asking for
    /// views nobody looks at would keep a core busy).
    pub(super) fn request_reviews(&mut self) {
        let budget = &mut self.tabs.budget;
        budget.behind = budget.chart;
        if let Some(v) = self.tabs.history.since.as_mut() {
            v.behind = true;
        }
        if let Some(m) = self.tabs.risks.moves.as_mut() {
            m.behind = true;
        }
        self.catch_up_reviews();
    }

    /// Asks again for the current tab's view of the history, if it fell behind.
    pub(super) fn catch_up_reviews(&mut self) {
        match self.tab {
            Tab::Budget if self.tabs.budget.chart && self.tabs.budget.behind => {
                self.request_trend();
            }
            Tab::History if self.tabs.history.since.as_ref().is_some_and(|v| v.behind) => {
                self.request_changes();
            }
            Tab::Risks if self.tabs.risks.moves.as_ref().is_some_and(|m| m.behind) => {
                self.request_bands();
            }
            _ => {}
        }
    }

    /// The since view's agenda, when the History tab shows it.
    fn request_changes(&mut self) {
        if let Some(since) = self.tabs.history.since.as_ref().map(|v| v.since) {
            let asked = self.ask_review(Review::Changes {
                since,
                end: self.now_moment(),
            });
            if let Some(v) = self.tabs.history.since.as_mut() {
                v.asked = asked;
                v.behind = false;
            }
        }
    }

    /// The bands band moves are marked against, when the Risks tab marks them.
    fn request_bands(&mut self) {
        if let Some(since) = self.tabs.risks.moves.as_ref().map(|m| m.since) {
            let asked = self.ask_review(Review::Bands {
                since,
                end: self.now_moment(),
            });
            if let Some(m) = self.tabs.risks.moves.as_mut() {
                m.asked = asked;
                m.behind = false;
            }
        }
    }

    pub(super) fn request_trend(&mut self) {
        let asked = self.ask_review(Review::Trend {
            today: self.today(),
            weeks: TREND_WEEKS,
        });
        self.tabs.budget.trend_asked = asked;
        self.tabs.budget.behind = false;
    }

    fn ask_review(&mut self, ask: Review) -> u64 {
        self.review_generation += 1;
        let generation = self.review_generation;
        self.send(Request::Review { generation, ask });
        generation
    }

    fn now_moment(&self) -> Moment {
        let now = self.now();
        Moment {
            until: now.now,
            today: now.today,
        }
    }

    pub(super) fn apply_review(&mut self, a: ReviewAnswer) {
        match a.answer {
            Reviewed::Trend(weeks) => {
                if a.generation >= self.tabs.budget.trend_asked {
                    self.tabs.budget.trend = Some(weeks);
                }
            }
            Reviewed::Changes(agenda) => {
                if let Some(v) = self.tabs.history.since.as_mut()
                    && a.generation >= v.asked
                    && agenda.since == v.since.to_string()
                {
                    v.agenda = Some(*agenda);
                    v.cursor
                        .keep_visible(v.agenda.as_ref().map_or(0, |a| a.changes.len()), usize::MAX);
                }
            }
            Reviewed::Bands { since, bands } => {
                if let Some(m) = self.tabs.risks.moves.as_mut()
                    && a.generation >= m.asked
                    && m.since == since
                {
                    m.bands = Some(bands);
                }
            }
        }
    }

    /// `c` on the History tab: ask since when (the since view), or back to the log.
    pub(super) fn since_view(&mut self) {
        if self.tabs.history.since.take().is_none() {
            self.popup = Some(Popup::Prompt(Box::new(Prompt::since(
                SinceFor::Changes,
                self.week_ago(),
            ))));
        }
    }

    /// `b` on the Risks tab: ask since when (band-move marks), or stop marking.
    pub(super) fn band_moves(&mut self) {
        if self.tabs.risks.moves.take().is_none() {
            self.popup = Some(Popup::Prompt(Box::new(Prompt::since(
                SinceFor::BandMoves,
                self.week_ago(),
            ))));
        }
    }

    fn week_ago(&self) -> Date {
        self.today().saturating_sub(jiff::Span::new().days(7))
    }

    /// The date typed in a since prompt: the view starts and asks the loader.
    pub(super) fn submit_since(
        &mut self,
        mut p: Box<Prompt>,
        text: &str,
        what: SinceFor,
    ) -> Option<Popup> {
        let today = self.today();
        let since = match validate::date("since", text.trim()) {
            Ok(d) if d <= today => d,
            Ok(d) => {
                p.error = Some(format!(
                    "{d} is after today ({today}); give a day on or before it"
                ));
                return Some(Popup::Prompt(p));
            }
            Err(e) => {
                p.error = Some(sanitize_line(&e.to_string()).into_owned());
                return Some(Popup::Prompt(p));
            }
        };
        match what {
            SinceFor::Changes => {
                self.tabs.history.since = Some(SinceView {
                    since,
                    agenda: None,
                    cursor: crate::tui::tabs::Cursor::default(),
                    asked: 0,
                    behind: false,
                });
                self.request_changes();
            }
            SinceFor::BandMoves => {
                self.tabs.risks.moves = Some(BandMoves {
                    since,
                    bands: None,
                    asked: 0,
                    behind: false,
                });
                self.request_bands();
            }
        }
        None
    }
}
