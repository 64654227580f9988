//! Reading what the views show, away from the keyboard: the app asks with a [`Request`],
//! worker threads with their own connections answer with a [`Response`], and the UI never
//! waits on a query over a large register. Tests run the same [`fetch`] inline.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use std::collections::HashMap;

use jiff::civil::Date;

use crate::clock::Moment;
use crate::domain::changes::Agenda;
use crate::domain::portfolio::Report;
use crate::domain::trend::Week;
use crate::domain::{Event, Milestone};
use crate::error::{Error, Result};
use crate::query::{ActionSpec, EventQuery, ListSpec};
use crate::scoring::Band;
use crate::store::Location;
use crate::store::{EventFilter, OpenMode, Store, TeamOverview};

/// How many history events one page holds: the History tab asks for the next page as the
/// cursor nears the end of what it has.
pub const HISTORY_PAGE: u64 = 500;

/// How many weeks the Budget tab's trend chart draws.
pub const TREND_WEEKS: u16 = 12;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// The rows a filter and sort select, and the matrix of that filter (`residual`: at the
    /// risks' target levels).
    Rows {
        generation: u64,
        spec: ListSpec,
        today: Date,
        residual: bool,
    },
    /// The actions an action query selects (the Actions tab).
    Actions {
        generation: u64,
        spec: ActionSpec,
        today: Date,
    },
    /// Everything else: totals, teams, milestones, the budget.
    Overview { generation: u64, today: Date },
    /// A page of the history the query selects: the newest events, or those older than
    /// `before`.
    History {
        generation: u64,
        query: EventQuery,
        before: Option<i64>,
    },
    /// A walk back through the history (seconds on a large register, so a lane of its own).
    Review { generation: u64, ask: Review },
    /// The rows `spec` selects written to `path` (a workbook of 100,000 risks takes
    /// seconds), as `riskreg export` writes them. Never dropped for a newer one.
    Export {
        spec: ListSpec,
        today: Date,
        path: PathBuf,
        format: crate::io::ExportFormat,
        force: bool,
    },
}

/// What a walk back through the history answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Review {
    /// The Budget tab's chart: the last weeks' figures.
    Trend { today: Date, weeks: u16 },
    /// The History tab's since view: what changed from `since` to now.
    Changes { since: Date, end: Moment },
    /// The Risks tab's band-move arrows: each risk's band at the end of the day before
    /// `since`.
    Bands { since: Date, end: Moment },
}

/// A page of history events.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryPage {
    pub generation: u64,
    pub query: EventQuery,
    pub before: Option<i64>,
    pub events: Vec<Event>,
}

/// The answer to a [`Review`].
#[derive(Clone, Debug, PartialEq)]
pub enum Reviewed {
    Trend(Vec<Week>),
    Changes(Box<Agenda>),
    Bands {
        since: Date,
        bands: HashMap<i64, Band>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReviewAnswer {
    pub generation: u64,
    pub answer: Reviewed,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rows {
    pub generation: u64,
    /// The filter and sort these rows answer.
    pub spec: ListSpec,
    pub ids: Vec<i64>,
    pub matrix: [[u64; 5]; 5],
    /// Whether the matrix counts the risks at their target levels.
    pub residual: bool,
}

/// The ids of the actions a query selects, in the Actions tab's order.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionRows {
    pub generation: u64,
    pub spec: ActionSpec,
    pub ids: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    pub generation: u64,
    /// (active, all) risks in the register.
    pub totals: (u64, u64),
    pub teams: Vec<TeamOverview>,
    pub milestones: Vec<Milestone>,
    /// The budget, burn-down and stack rank (the same pass as `riskreg report`).
    pub report: Report,
}

#[derive(Debug)]
pub enum Response {
    Rows(Result<Rows>),
    Actions(Result<ActionRows>),
    Overview(Result<Box<Overview>>),
    History(Result<HistoryPage>),
    Review(Result<ReviewAnswer>),
    /// An export written: where, and how many risks.
    Exported(Result<(PathBuf, u64)>),
}

/// Answers one request from `store`, reading date-dependent figures as of the request's day.
pub fn fetch(store: &mut Store, request: &Request) -> Response {
    match request {
        Request::Rows { today, .. }
        | Request::Actions { today, .. }
        | Request::Overview { today, .. } => store.set_today(*today),
        Request::History { .. } | Request::Review { .. } | Request::Export { .. } => {}
    }
    let store: &Store = store;
    match request {
        Request::Rows {
            generation,
            spec,
            today,
            residual,
        } => {
            let rows = || -> Result<Rows> {
                let mut matrix_spec = spec.clone();
                matrix_spec.limit = None;
                Ok(Rows {
                    generation: *generation,
                    spec: spec.clone(),
                    ids: store.risk_ids(spec, *today)?,
                    matrix: store.matrix(&matrix_spec, *today, *residual)?,
                    residual: *residual,
                })
            };
            Response::Rows(rows())
        }
        Request::Actions {
            generation,
            spec,
            today,
        } => Response::Actions(store.action_ids(spec, *today).map(|ids| ActionRows {
            generation: *generation,
            spec: spec.clone(),
            ids,
        })),
        Request::Overview { generation, today } => {
            let overview = || -> Result<Overview> {
                Ok(Overview {
                    generation: *generation,
                    totals: store.risk_totals()?,
                    teams: store.team_overview(*today)?,
                    report: crate::ops::portfolio(store, *today)?.0,
                    milestones: store.milestones(*today)?,
                })
            };
            Response::Overview(overview().map(Box::new))
        }
        Request::History {
            generation,
            query,
            before,
        } => Response::History(
            history_page(store, query, *before).map(|events| HistoryPage {
                generation: *generation,
                query: query.clone(),
                before: *before,
                events,
            }),
        ),
        Request::Review { generation, ask } => {
            Response::Review(review(store, ask).map(|answer| ReviewAnswer {
                generation: *generation,
                answer,
            }))
        }
        Request::Export {
            spec,
            today,
            path,
            format,
            force,
        } => Response::Exported(
            crate::ops::export_file(
                store,
                spec,
                *today,
                &crate::io::Shape::of(*format),
                path,
                *force,
                &mut |_| {},
            )
            .map(|n| (path.clone(), n)),
        ),
    }
}

/// One page of the history `query` selects, older than `before`.
fn history_page(store: &Store, query: &EventQuery, before: Option<i64>) -> Result<Vec<Event>> {
    let since = query
        .since
        .map(crate::clock::start_of)
        .transpose()
        .map_err(|e| Error::Usage(format!("since: {e}")))?;
    store.events(&EventFilter {
        risk_id: query.risk,
        kind: query.kind,
        since,
        actor: query.actor.clone(),
        field: query.field.clone(),
        text: query.text.clone(),
        before,
        limit: Some(HISTORY_PAGE),
        ..EventFilter::default()
    })
}

fn review(store: &Store, ask: &Review) -> Result<Reviewed> {
    match ask {
        Review::Trend { today, weeks } => {
            Ok(Reviewed::Trend(crate::ops::trend(store, *today, *weeks)?.0))
        }
        Review::Changes { since, end } => {
            let start = crate::ops::window_start(*since, end)?;
            let (agenda, _) = crate::ops::changes(store, &start, end, *since, None)?;
            Ok(Reviewed::Changes(Box::new(agenda)))
        }
        Review::Bands { since, end } => {
            let start = crate::ops::window_start(*since, end)?;
            Ok(Reviewed::Bands {
                since: *since,
                bands: crate::ops::bands_at(store, &start)?,
            })
        }
    }
}

/// Where requests go: answered at once on the caller's connection (tests), or by the
/// [`Worker`]'s threads, which hand each answer to a callback.
pub enum Loader {
    Inline,
    Worker(Worker),
}

/// Three lanes, each a thread with its own connection: a slow overview (the portfolio pass
/// over a large register, after another process commits) never holds up the rows a filter
/// asks for, and a walk back through the history (the trend, the since view) holds up
/// neither.
pub struct Worker {
    rows: Lane,
    overview: Lane,
    review: Lane,
}

struct Lane {
    requests: Option<Sender<Request>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Opens three more connections to the register, each on its own thread; `deliver`
    /// receives each answer and returns false when nobody listens any more.
    pub fn start(
        path: impl Into<Location>,
        deliver: impl Fn(Response) -> bool + Send + Sync + 'static,
    ) -> Result<Worker> {
        let deliver: Arc<dyn Fn(Response) -> bool + Send + Sync> = Arc::new(deliver);
        let path = path.into();
        Ok(Worker {
            rows: Lane::start(&path, "riskreg-rows", Arc::clone(&deliver))?,
            overview: Lane::start(&path, "riskreg-overview", Arc::clone(&deliver))?,
            review: Lane::start(&path, "riskreg-review", deliver)?,
        })
    }

    pub fn send(&self, request: Request) {
        match request {
            Request::Rows { .. } | Request::Actions { .. } | Request::History { .. } => {
                self.rows.send(request);
            }
            Request::Overview { .. } => self.overview.send(request),
            Request::Review { .. } | Request::Export { .. } => self.review.send(request),
        }
    }
}

impl Lane {
    fn start(
        path: &Location,
        name: &str,
        deliver: Arc<dyn Fn(Response) -> bool + Send + Sync>,
    ) -> Result<Lane> {
        let mut store = Store::open(path, OpenMode::Existing)?;
        let (req_tx, req_rx) = channel::<Request>();
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || serve(&mut store, &req_rx, deliver.as_ref()))
            .map_err(|e| crate::Error::io("cannot start the loader thread", e))?;
        Ok(Lane {
            requests: Some(req_tx),
            handle: Some(handle),
        })
    }

    fn send(&self, request: Request) {
        if let Some(tx) = &self.requests {
            // A closed channel means the lane ended; the app keeps its last data.
            let _ = tx.send(request);
        }
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Which requests a newer one makes moot: those of the same kind (and, for a walk back,
/// asking the same question). None for an export: each one asked is written.
fn kind(r: &Request) -> Option<u8> {
    Some(match r {
        Request::Rows { .. } => 0,
        Request::Actions { .. } => 1,
        Request::Overview { .. } => 2,
        Request::History { .. } => 3,
        Request::Review {
            ask: Review::Trend { .. },
            ..
        } => 4,
        Request::Review {
            ask: Review::Changes { .. },
            ..
        } => 5,
        Request::Review {
            ask: Review::Bands { .. },
            ..
        } => 6,
        Request::Export { .. } => return None,
    })
}

/// A lane's loop: when requests queue up (fast typing in the filter bar), only the newest
/// of each kind is answered.
fn serve(store: &mut Store, requests: &Receiver<Request>, deliver: &dyn Fn(Response) -> bool) {
    while let Ok(first) = requests.recv() {
        let mut newest = vec![first];
        while let Ok(more) = requests.try_recv() {
            let k = kind(&more);
            match newest.iter_mut().find(|r| k.is_some() && kind(r) == k) {
                Some(older) => *older = more,
                None => newest.push(more),
            }
        }
        for request in &newest {
            if !deliver(fetch(store, request)) {
                return;
            }
        }
    }
}
