//! Ctrl-C for the commands that talk to AWS.
//!
//! One listener for the whole process, on its own thread (the deploy runtime is blocked while a
//! question waits for an answer). What a press means depends on the moment:
//! - inside an [`Armed`] scope (a question being asked, a stack operation being followed) it is
//!   recorded, and the code in that scope decides: a question stops with nothing started, the
//!   follow loop stops following and leaves CloudFormation running;
//! - anywhere else the process ends at once with 130, as it would without a handler.
//!
//! Arming clears any earlier press, and the scope ends when its guard is dropped, so a press is
//! never carried over to a later question or operation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::cli::Outcome;

#[derive(Default)]
struct Shared {
    /// How many [`Armed`] guards are alive.
    armed: AtomicUsize,
    pressed: AtomicBool,
}

/// The process's Ctrl-C listener; cheap to clone.
#[derive(Clone)]
pub struct Interrupt {
    shared: Arc<Shared>,
}

/// While alive, Ctrl-C is recorded instead of ending the process.
pub struct Armed {
    shared: Arc<Shared>,
}

impl Drop for Armed {
    fn drop(&mut self) {
        self.shared.armed.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Interrupt {
    /// Starts listening. Returns once the handler is in place (on Unix), so that a press right
    /// after is not lost.
    pub fn listen() -> Interrupt {
        let shared = Arc::new(Shared::default());
        let listener = shared.clone();
        let (ready, registered) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("ctrl-c".to_string())
            .spawn(move || listen_on_this_thread(&listener, ready));
        if spawned.is_ok() {
            // Err only if the thread could not register the handler: Ctrl-C keeps its default.
            let _ = registered.recv();
        }
        Interrupt { shared }
    }

    /// Records Ctrl-C from now until the guard is dropped; an earlier press is forgotten.
    pub fn arm(&self) -> Armed {
        self.shared.pressed.store(false, Ordering::SeqCst);
        self.shared.armed.fetch_add(1, Ordering::SeqCst);
        Armed {
            shared: self.shared.clone(),
        }
    }

    /// Whether Ctrl-C was pressed since the current scope was armed.
    pub fn pressed(&self) -> bool {
        self.shared.pressed.load(Ordering::SeqCst)
    }
}

fn press(shared: &Shared) {
    // A second press while the first is still being acted on (a call that takes long to
    // return) ends the process, as people expect of pressing again.
    if shared.armed.load(Ordering::SeqCst) == 0 || shared.pressed.swap(true, Ordering::SeqCst) {
        std::process::exit(Outcome::Interrupted as i32);
    }
}

fn listen_on_this_thread(shared: &Shared, ready: std::sync::mpsc::Sender<()>) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(mut interrupts) = signal(SignalKind::interrupt()) else {
                return;
            };
            let _ = ready.send(());
            while interrupts.recv().await.is_some() {
                press(shared);
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ready.send(());
            while tokio::signal::ctrl_c().await.is_ok() {
                press(shared);
            }
        }
    });
}
