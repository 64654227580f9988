//! Reading what the views show, away from the keyboard: the app asks with a [`Request`],
//! worker threads with their own connections answer with a [`Response`], and the UI never
//! waits on a query over a large register. Tests run the same [`fetch`] inline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use jiff::civil::Date;

use crate::domain::portfolio::Report;
use crate::domain::{Event, Milestone};
use crate::error::Result;
use crate::query::{ActionSpec, ListSpec};
use crate::store::{EventFilter, OpenMode, Store, TeamOverview};

/// How many history events the History tab holds.
pub const HISTORY_LIMIT: u64 = 500;

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
    /// Everything else: totals, teams, milestones, history.
    Overview {
        generation: u64,
        today: Date,
        history_risk: Option<i64>,
    },
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
    /// The risk whose history `history` is (none: all of it).
    pub history_risk: Option<i64>,
    /// (active, all) risks in the register.
    pub totals: (u64, u64),
    pub teams: Vec<TeamOverview>,
    pub milestones: Vec<Milestone>,
    pub history: Vec<Event>,
    /// The budget, burn-down and stack rank (the same pass as `riskreg report`).
    pub report: Report,
}

#[derive(Debug)]
pub enum Response {
    Rows(Result<Rows>),
    Actions(Result<ActionRows>),
    Overview(Result<Box<Overview>>),
}

/// Answers one request from `store`, reading date-dependent figures as of the request's day.
pub fn fetch(store: &mut Store, request: &Request) -> Response {
    let today = match request {
        Request::Rows { today, .. }
        | Request::Actions { today, .. }
        | Request::Overview { today, .. } => *today,
    };
    store.set_today(today);
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
        Request::Overview {
            generation,
            today,
            history_risk,
        } => {
            let overview = || -> Result<Overview> {
                Ok(Overview {
                    generation: *generation,
                    history_risk: *history_risk,
                    totals: store.risk_totals()?,
                    teams: store.team_overview(*today)?,
                    report: crate::ops::portfolio(store, *today)?.0,
                    milestones: store.milestones(*today)?,
                    history: store.events(&EventFilter {
                        risk_id: *history_risk,
                        limit: Some(HISTORY_LIMIT),
                        ..EventFilter::default()
                    })?,
                })
            };
            Response::Overview(overview().map(Box::new))
        }
    }
}

/// Where requests go: answered at once on the caller's connection (tests), or by the
/// [`Worker`]'s threads, which hand each answer to a callback.
pub enum Loader {
    Inline,
    Worker(Worker),
}

/// Two lanes, one per kind of request, each a thread with its own connection: a slow
/// overview (the portfolio pass over a large register, after another process commits)
/// never holds up the rows a filter asks for.
pub struct Worker {
    rows: Lane,
    overview: Lane,
}

struct Lane {
    requests: Option<Sender<Request>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Opens two more connections to `path`, each on its own thread; `deliver` receives
    /// each answer and returns false when nobody listens any more.
    pub fn start(
        path: PathBuf,
        deliver: impl Fn(Response) -> bool + Send + Sync + 'static,
    ) -> Result<Worker> {
        let deliver: Arc<dyn Fn(Response) -> bool + Send + Sync> = Arc::new(deliver);
        Ok(Worker {
            rows: Lane::start(&path, "riskreg-rows", Arc::clone(&deliver))?,
            overview: Lane::start(&path, "riskreg-overview", deliver)?,
        })
    }

    pub fn send(&self, request: Request) {
        match request {
            Request::Rows { .. } | Request::Actions { .. } => self.rows.send(request),
            Request::Overview { .. } => self.overview.send(request),
        }
    }
}

impl Lane {
    fn start(
        path: &Path,
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

/// A lane's loop: when requests queue up (fast typing in the filter bar), only the newest
/// of each kind is answered.
fn serve(store: &mut Store, requests: &Receiver<Request>, deliver: &dyn Fn(Response) -> bool) {
    while let Ok(first) = requests.recv() {
        let mut newest = vec![first];
        while let Ok(more) = requests.try_recv() {
            let kind = std::mem::discriminant(&more);
            match newest
                .iter_mut()
                .find(|r| std::mem::discriminant(*r) == kind)
            {
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
