//! Running one input's checks so that nothing it does can stop the run unnoticed: on a thread
//! of its own with a known stack, under `catch_unwind`, with a time limit.
//!
//! The limit is on the process's CPU time (read from `/proc/self/stat`), not wall time: the
//! machines this runs on are shared, and a busy neighbour must not turn a slow-but-fine input
//! into a "hang". A wall-clock limit of sixty times as much catches an input that blocks
//! without computing (a neighbour can leave a process a few percent of a core, so less
//! would report slow-but-fine inputs on a busy machine). A thread that is still running at its limit cannot be stopped from
//! outside; the worker reports the hang and exits (`worker.rs`).

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::Reader;
use super::check::{self, Failure, FailureKind, Outcome};

/// The check thread's stack: the readers run on threads of their own (64 MiB in `poam_io`),
/// but the writers of the round trips run here.
const STACK: usize = 64 << 20;

/// How often the time limit is looked at while a check runs.
const POLL: Duration = Duration::from_millis(50);

/// The place and message of the last panic, recorded by the hook [`install_panic_hook`]
/// sets (a panic's payload has no location).
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Input bytes per time limit (see [`Limits::for_input`]).
pub const BYTES_PER_LIMIT: usize = 128 << 10;

/// The time allowed to one input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// CPU time of the whole process (one input runs at a time); `None` where it cannot be
    /// read, or where other work shares the process (tests).
    pub cpu: Option<Duration>,
    pub wall: Duration,
}

impl Limits {
    /// `limit` of CPU time, and sixty times that of wall time.
    pub fn cpu(limit: Duration) -> Self {
        Self {
            cpu: process_cpu_time().map(|_| limit),
            wall: limit * 60,
        }
    }

    /// These limits for an input of `len` bytes: the limit again for every
    /// [`BYTES_PER_LIMIT`] of input. The checks read and write an input about ten times, in
    /// a debug build: a 560 KB Markdown input of nested lists took 3 s of CPU on a busy
    /// machine, linearly (0.65 s, 0.99 s, 1.82 s for 100, 200, 400 KB), and was reported as
    /// a hang. Linear work stays within the scaled limit; quadratic work still overruns it.
    pub fn for_input(self, len: usize) -> Self {
        let times = u32::try_from(1 + len / BYTES_PER_LIMIT).unwrap_or(u32::MAX);
        Self {
            cpu: self.cpu.map(|c| c.saturating_mul(times)),
            wall: self.wall.saturating_mul(times),
        }
    }

    /// Wall time only.
    #[cfg(test)]
    pub fn wall(limit: Duration) -> Self {
        Self {
            cpu: None,
            wall: limit,
        }
    }
}

/// Replaces the default panic hook (which prints to stderr) with one that records the panic
/// for the failure report.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// Runs the checks of `reader` on `bytes` on a thread of its own, within `limits`.
pub fn run_guarded(reader: Reader, bytes: &[u8], limits: Limits) -> Result<Outcome, Failure> {
    let data = bytes.to_vec();
    guarded(move || check::check(reader, &data), limits)
}

/// Runs `work` on a thread of its own, within `limits`; a panic or a hang is a failure.
fn guarded(
    work: impl FnOnce() -> Result<Outcome, Failure> + Send + 'static,
    limits: Limits,
) -> Result<Outcome, Failure> {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    let (tx, rx) = mpsc::channel();
    let cpu_start = process_cpu_time();
    let started = Instant::now();
    std::thread::Builder::new()
        .name("fuzz-check".into())
        .stack_size(STACK)
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(work));
            // The receiver is gone only when the input was given up on as a hang.
            let _ = tx.send(result);
        })
        .map_err(|e| Failure::new(FailureKind::Crash, format!("cannot start a thread: {e}")))?;
    loop {
        match rx.recv_timeout(POLL) {
            Ok(Ok(result)) => return result,
            Ok(Err(payload)) => return Err(Failure::new(FailureKind::Panic, panic_text(&payload))),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Failure::new(
                    FailureKind::Panic,
                    "the check thread ended without a result".to_owned(),
                ));
            }
            Err(RecvTimeoutError::Timeout) => {
                let wall = started.elapsed();
                let cpu = match (cpu_start, process_cpu_time()) {
                    (Some(a), Some(b)) => b.saturating_sub(a),
                    _ => Duration::ZERO,
                };
                if limits.cpu.is_some_and(|limit| cpu > limit) || wall > limits.wall {
                    return Err(Failure::new(
                        FailureKind::Hang,
                        format!(
                            "still running after {:.1} s of CPU time ({:.1} s wall); the limit is {}",
                            cpu.as_secs_f64(),
                            wall.as_secs_f64(),
                            match limits.cpu {
                                Some(l) => format!("{:.1} s of CPU time", l.as_secs_f64()),
                                None => format!("{:.1} s", limits.wall.as_secs_f64()),
                            }
                        ),
                    ));
                }
            }
        }
    }
}

/// The recorded panic (with its place) or else the payload's text.
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(recorded) = LAST_PANIC.lock().ok().and_then(|mut l| l.take()) {
        return recorded;
    }
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_owned()
    }
}

/// User plus system CPU time of this process, from `/proc/self/stat` (Linux).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces; fields after it
    // start at field 3, so utime (field 14) and stime (15) are the 12th and 13th.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // Clock ticks are 1/100 s on every Linux this runs on (USER_HZ).
    Some(Duration::from_millis((utime + stime) * 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_and_reported() {
        let f = guarded(
            || panic!("fuzz panic probe"),
            Limits::wall(Duration::from_secs(20)),
        )
        .expect_err("the probe panics");
        assert_eq!(f.kind, FailureKind::Panic);
        assert!(f.detail.contains("fuzz panic probe"), "{}", f.detail);
    }

    #[test]
    fn the_limit_grows_with_the_input() {
        let base = Limits {
            cpu: Some(Duration::from_secs(2)),
            wall: Duration::from_secs(120),
        };
        let small = base.for_input(1000);
        assert_eq!((small.cpu, small.wall), (base.cpu, base.wall));
        // The 560 KB Markdown input the fuzzer took for a hang: five limits.
        let large = base.for_input(560_056);
        assert_eq!(large.cpu, Some(Duration::from_secs(10)));
        assert_eq!(large.wall, Duration::from_secs(600));
    }

    #[test]
    fn a_hang_is_reported_at_the_limit() {
        let started = Instant::now();
        let f = guarded(
            || loop {
                std::thread::sleep(Duration::from_millis(10));
            },
            Limits::wall(Duration::from_millis(300)),
        )
        .expect_err("the probe hangs");
        assert_eq!(f.kind, FailureKind::Hang);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn cpu_time_is_read_and_grows() {
        let Some(a) = process_cpu_time() else { return };
        let mut x = 0u64;
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(200) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        let b = process_cpu_time().expect("read once, read again");
        assert!(b > a, "{a:?} -> {b:?} ({x})");
    }
}
