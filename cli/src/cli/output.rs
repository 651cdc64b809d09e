//! Every line the command line prints goes through here. Writing to a closed pipe (`cfnforge
//! synth | head`, or `deploy 2>&1 | tee log` after Ctrl-C took `tee` down) must not panic the
//! way `println!` does: output nobody can read any more is dropped, and the command carries on
//! to its end and its exit code.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Arguments;
use std::io::Write;

/// Writes to standard output; a failed write (a closed pipe) is ignored.
pub fn stdout(args: Arguments) {
    let _ = std::io::stdout().lock().write_fmt(args);
}

/// Writes to standard error and flushes it; a failed write (a closed pipe) is ignored.
pub fn stderr(args: Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args);
    let _ = err.flush();
}

/// `println!` that does not panic on a closed pipe.
macro_rules! outln {
    () => {
        $crate::cli::output::stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that does not panic on a closed pipe.
macro_rules! errln {
    () => {
        $crate::cli::output::stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` that does not panic on a closed pipe.
#[cfg(feature = "aws")]
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(format_args!($($arg)*))
    };
}

#[cfg(feature = "aws")]
pub(crate) use err;
pub(crate) use {errln, outln};
