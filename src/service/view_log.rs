//! Views of a client's record, put on record by one writer (issue #12 item 4, issue #15).
//!
//! Every view is a hash-chained audit event. Written one transaction per view, 64 concurrent
//! readers queued behind each other's commit (SQLite's one write lock, the chain's head row, an
//! fsync each): the view audit halved the test page's throughput. Here the request hands its
//! event to one writer thread and waits for it to be committed; the writer takes every event
//! that arrived meanwhile and appends them in one transaction (group commit). The guarantee does
//! not change: a page is sent only after its view is committed, in the chain, in order; a crash
//! loses no view whose page was shown. State changes keep their events in their own transaction.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{AppError, AppResult};
use crate::db::audit::{self, AuditEvent};
use crate::db::{DbError, Pool};

/// At most this many views per transaction, so one commit stays short.
const MOST_PER_COMMIT: usize = 512;

struct Pending {
    event: AuditEvent,
    done: oneshot::Sender<Result<(), String>>,
}

/// The handle requests hand their view events to.
pub struct ViewLog {
    queue: mpsc::Sender<Pending>,
}

impl ViewLog {
    /// Starts the writer thread. It ends when the last handle is dropped (the server stopped),
    /// after writing what was handed to it.
    pub fn start(pool: Pool) -> std::io::Result<ViewLog> {
        let (queue, arrivals) = mpsc::channel::<Pending>();
        std::thread::Builder::new()
            .name("view-audit".into())
            .spawn(move || write_until_closed(&pool, &arrivals))?;
        Ok(ViewLog { queue })
    }

    /// Puts the view on record; returns once it is committed.
    pub async fn record(&self, event: AuditEvent) -> AppResult<()> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send(Pending { event, done })
            .map_err(|_| AppError::Internal("the view audit writer has stopped".into()))?;
        match committed.await {
            Ok(Ok(())) => Ok(()),
            // The storage error's text keeps its meaning (read-only, disk full → 503).
            Ok(Err(message)) => Err(DbError::reported(&message).into()),
            Err(_) => Err(AppError::Internal(
                "the view audit writer stopped before committing".into(),
            )),
        }
    }
}

fn write_until_closed(pool: &Pool, arrivals: &mpsc::Receiver<Pending>) {
    while let Ok(first) = arrivals.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT {
            match arrivals.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (events, waiting): (Vec<_>, Vec<_>) =
            batch.into_iter().map(|p| (p.event, p.done)).unzip();
        let result = pool
            .get()
            .map_err(DbError::from)
            .and_then(|mut conn| audit::append_views(&mut conn, events))
            .map_err(|e| {
                tracing::error!(error = %e, "views could not be put on record");
                e.to_string()
            });
        for done in waiting {
            // A request that gave up (client gone) no longer listens; nothing to tell it.
            let _ = done.send(result.clone());
        }
    }
}
