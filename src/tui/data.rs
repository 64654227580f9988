//! Reading what the views show, away from the keyboard: the app asks with a [`Request`], a
//! worker thread with its own connection answers with a [`Response`], and the UI never
//! waits on a query over a large register. Tests run the same [`fetch`] inline.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use jiff::civil::Date;

use crate::domain::portfolio::Report;
use crate::domain::{Event, Milestone};
use crate::error::Result;
use crate::query::ListSpec;
use crate::store::{EventFilter, OpenMode, Store, TeamOverview};

/// How many history events the History tab holds.
pub const HISTORY_LIMIT: u64 = 500;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// The rows a filter and sort select, and the matrix of that filter.
    Rows {
        generation: u64,
        spec: ListSpec,
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
    pub ids: Vec<i64>,
    pub matrix: [[u64; 5]; 5],
}

#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    pub generation: u64,
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
    Overview(Result<Overview>),
}

/// Answers one request from `store`.
pub fn fetch(store: &Store, request: &Request) -> Response {
    match request {
        Request::Rows {
            generation,
            spec,
            today,
        } => {
            let rows = || -> Result<Rows> {
                let mut matrix_spec = spec.clone();
                matrix_spec.limit = None;
                Ok(Rows {
                    generation: *generation,
                    ids: store.risk_ids(spec, *today)?,
                    matrix: store.matrix(&matrix_spec, *today)?,
                })
            };
            Response::Rows(rows())
        }
        Request::Overview {
            generation,
            today,
            history_risk,
        } => {
            let overview = || -> Result<Overview> {
                Ok(Overview {
                    generation: *generation,
                    totals: store.risk_totals()?,
                    teams: store.team_overview(*today)?,
                    report: crate::ops::portfolio(store, *today)?.0,
                    milestones: store.milestones(*today)?,
                    history: store.events(&EventFilter {
                        risk_id: *history_risk,
                        since: None,
                        limit: Some(HISTORY_LIMIT),
                    })?,
                })
            };
            Response::Overview(overview())
        }
    }
}

/// Where requests go: answered at once on the caller's connection (tests), or by a worker
/// thread with its own connection that hands each answer to a callback.
pub enum Loader {
    Inline,
    Worker(Worker),
}

pub struct Worker {
    requests: Option<Sender<Request>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Opens a second connection to `path` on a new thread; `deliver` receives each answer
    /// and returns false when nobody listens any more.
    pub fn start(
        path: PathBuf,
        deliver: impl Fn(Response) -> bool + Send + 'static,
    ) -> Result<Worker> {
        let store = Store::open(&path, OpenMode::Existing)?;
        let (req_tx, req_rx) = channel::<Request>();
        let handle = std::thread::Builder::new()
            .name("riskreg-loader".into())
            .spawn(move || serve(&store, &req_rx, &deliver))
            .map_err(|e| crate::Error::io("cannot start the loader thread", e))?;
        Ok(Worker {
            requests: Some(req_tx),
            handle: Some(handle),
        })
    }

    pub fn send(&self, request: Request) {
        if let Some(tx) = &self.requests {
            // A closed channel means the worker ended; the app keeps its last data.
            let _ = tx.send(request);
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.requests = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The worker's loop: when several requests of a kind queue up (fast typing in the filter
/// bar), only the newest is answered.
fn serve(store: &Store, requests: &Receiver<Request>, deliver: &dyn Fn(Response) -> bool) {
    while let Ok(first) = requests.recv() {
        let mut pending = vec![first];
        while let Ok(more) = requests.try_recv() {
            pending.push(more);
        }
        let newest_rows = pending
            .iter()
            .rposition(|r| matches!(r, Request::Rows { .. }));
        let newest_overview = pending
            .iter()
            .rposition(|r| matches!(r, Request::Overview { .. }));
        for i in [newest_rows, newest_overview].into_iter().flatten() {
            if !deliver(fetch(store, &pending[i])) {
                return;
            }
        }
    }
}
