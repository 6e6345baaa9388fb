//! Told of other desks' changes: a thread with its own connection that `LISTEN`s for the
//! commit numbers each change announces, and keeps the latest for the screen to ask about.
//! It reconnects after a lost connection and stops when the store is dropped.

use super::address::ServerAddress;
use postgres::fallible_iterator::FallibleIterator;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the thread looks up from waiting to see whether it should stop.
const TICK: Duration = Duration::from_millis(200);

pub(super) struct Listener {
    stop: Arc<AtomicBool>,
    latest: Arc<AtomicI64>,
    /// Set when the thread's connection broke: the server went away, so the store's own
    /// connection is made again before it is next used.
    lost: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    pub fn start(address: ServerAddress) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let latest = Arc::new(AtomicI64::new(0));
        let lost = Arc::new(AtomicBool::new(false));
        let flags = Flags { stop: Arc::clone(&stop), latest: Arc::clone(&latest), lost: Arc::clone(&lost) };
        let thread =
            std::thread::Builder::new().name("keyholder-listen".into()).spawn(move || listen(&address, &flags)).ok();
        Self { stop, latest, lost, thread }
    }

    /// Whether the server went away since last asked.
    pub fn take_lost(&self) -> bool {
        self.lost.swap(false, Ordering::Relaxed)
    }

    /// The latest commit another desk announced (0 before any).
    pub fn latest(&self) -> i64 {
        self.latest.load(Ordering::Relaxed)
    }
}

struct Flags {
    stop: Arc<AtomicBool>,
    latest: Arc<AtomicI64>,
    lost: Arc<AtomicBool>,
}

fn listen(address: &ServerAddress, flags: &Flags) {
    let (stop, latest) = (&flags.stop, &flags.latest);
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut client) = address.connect() else {
            wait_a_while(stop);
            continue;
        };
        if client.batch_execute("LISTEN keyholder").is_err() {
            wait_a_while(stop);
            continue;
        }
        while !stop.load(Ordering::Relaxed) {
            let mut notifications = client.notifications();
            let mut waiting = notifications.timeout_iter(TICK);
            match waiting.next() {
                Ok(Some(note)) => {
                    if let Ok(seq) = note.payload().parse::<i64>() {
                        latest.fetch_max(seq, Ordering::Relaxed);
                    }
                }
                Ok(None) => {}
                Err(_) => {
                    flags.lost.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
    }
}

fn wait_a_while(stop: &AtomicBool) {
    for _ in 0..10 {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(TICK);
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // Not joined: locking the app must not wait for the thread's next look up (it ends
        // within one tick, closing its connection).
        self.stop.store(true, Ordering::Relaxed);
        drop(self.thread.take());
    }
}
