//! The deploy commands' [`Ui`] on a terminal: events as lines on standard error, a spinner with
//! the stack's status while waiting (only on a terminal), and yes/no questions on standard input.

use std::io::{BufRead, IsTerminal};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::interrupt::{Armed, Interrupt};
use crate::cli::output::{err, errln};
use cfnforge_deploy::cloud::{Replacement, ResourceChange, StackEvent};
use cfnforge_deploy::{Answer, Ui};

pub struct Terminal {
    spinner: Option<ProgressBar>,
    interrupt: Interrupt,
    /// Armed while a stack operation is followed.
    following: Option<Armed>,
    /// Put before every line: the stack's name when several deploy at once.
    prefix: String,
}

impl Terminal {
    pub fn new(interrupt: Interrupt) -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Terminal {
            spinner,
            interrupt,
            following: None,
            prefix: String::new(),
        }
    }

    /// For one of several stacks deploying at once: each line starts with the stack's name,
    /// and there is no spinner (one line of status cannot show several stacks).
    pub fn for_one_of_several(interrupt: Interrupt, stack: &str) -> Self {
        let mut terminal = Terminal::new(interrupt);
        terminal.spinner = None;
        terminal.prefix = format!("{stack} | ");
        terminal
    }

    fn line(&self, text: &str) {
        let prefix = &self.prefix;
        match &self.spinner {
            Some(bar) => bar.println(format!("{prefix}{text}")),
            None => errln!("{prefix}{text}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

impl Ui for Terminal {
    fn info(&mut self, message: &str) {
        self.line(message);
    }

    fn changes(&mut self, changes: &[ResourceChange]) {
        if changes.is_empty() {
            self.line("Changes: none to resources (outputs or parameters only)");
            return;
        }
        let rows: Vec<[&str; 4]> = changes
            .iter()
            .map(|c| {
                [
                    c.action.as_str(),
                    c.logical_id.as_str(),
                    c.resource_type.as_str(),
                    replacement_label(c),
                ]
            })
            .collect();
        let header = ["Action", "Logical ID", "Type", "Replacement"];
        let widths: Vec<usize> = (0..4)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].len())
                    .chain([header[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let format_row = |cells: [&str; 4]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        self.line(&format_row(header));
        for (row, change) in rows.into_iter().zip(changes) {
            self.line(&format_row(row));
            for detail in change_details(change) {
                self.line(&detail);
            }
        }
    }

    fn event(&mut self, elapsed: Duration, event: &StackEvent) {
        let reason = event
            .reason
            .as_deref()
            .map(|r| format!("  {r}"))
            .unwrap_or_default();
        self.line(&format!(
            "{:>6.1}s  {:<28} {:<24} {}{reason}",
            elapsed.as_secs_f64(),
            event.status,
            event.logical_id,
            event.resource_type
        ));
    }

    fn waiting(&mut self, elapsed: Duration, status: &str) {
        if let Some(bar) = &self.spinner {
            bar.set_message(format!("{status} ({:.0}s)", elapsed.as_secs_f64()));
            bar.tick();
        }
    }

    fn confirm(&mut self, question: &str) -> Answer {
        if !std::io::stdin().is_terminal() {
            return Answer::NoTerminal;
        }
        let interrupt = &self.interrupt;
        if let Some(bar) = &self.spinner {
            bar.suspend(|| ask(question, interrupt))
        } else {
            ask(question, interrupt)
        }
    }

    fn following(&mut self, active: bool) {
        // Dropping the old guard first: arming clears the press the previous scope saw.
        self.following = None;
        if active {
            self.following = Some(self.interrupt.arm());
        }
    }

    fn interrupted(&self) -> bool {
        self.interrupt.pressed()
    }

    fn phase(&mut self, label: &str) {
        self.line(label);
        if let Some(bar) = &self.spinner {
            // The label without the stack's name: the line above has it.
            let label = label.split_once(": ").map_or(label, |(_, rest)| rest);
            bar.set_message(format!("{label}..."));
            bar.enable_steady_tick(Duration::from_millis(100));
        }
    }
}

/// The Replacement column: the change set's `Replacement` and each property's
/// `RequiresRecreation`, whichever says more.
fn replacement_label(change: &ResourceChange) -> &'static str {
    match change.replacement() {
        Replacement::Yes => "Replace",
        Replacement::Maybe => "May replace",
        Replacement::No => "No",
        Replacement::Unknown => "-",
    }
}

/// One indented line per changed property: its values before and after where the endpoint
/// returned them, and whether it replaces the resource.
fn change_details(change: &ResourceChange) -> Vec<String> {
    change
        .details
        .iter()
        .filter(|d| d.name.is_some() || d.before.is_some() || d.after.is_some())
        .map(|d| {
            let what = d.name.clone().unwrap_or_else(|| d.attribute.clone());
            let values = match (&d.before, &d.after) {
                (None, None) => String::new(),
                (before, after) => format!(
                    ": {} -> {}",
                    before.as_deref().unwrap_or("(absent)"),
                    after.as_deref().unwrap_or("(absent)")
                ),
            };
            let recreation = match d.requires_recreation.as_deref() {
                Some("Always") => " (replaces)",
                Some("Conditionally") => " (may replace)",
                _ => "",
            };
            format!("    ~ {what}{values}{recreation}")
        })
        .collect()
}

/// Asks on standard error and waits for a line on standard input, or for Ctrl-C.
fn ask(question: &str, interrupt: &Interrupt) -> Answer {
    let _armed = interrupt.arm();
    err!("{question} [y/N] ");
    let Ok(lines) = stdin_lines().lock() else {
        return Answer::No;
    };
    loop {
        match lines.recv_timeout(Duration::from_millis(50)) {
            Ok(answer) if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") => return Answer::Yes,
            Ok(_) | Err(RecvTimeoutError::Disconnected) => return Answer::No,
            Err(RecvTimeoutError::Timeout) if interrupt.pressed() => {
                // The terminal echoed ^C without a line break.
                errln!();
                return Answer::Interrupted;
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// Lines of standard input, read on a thread of their own so that a question can stop waiting
/// on Ctrl-C (a read from a terminal is not interrupted by the signal). The channel closes at
/// the end of input.
fn stdin_lines() -> &'static Mutex<Receiver<String>> {
    static LINES: OnceLock<Mutex<Receiver<String>>> = OnceLock::new();
    LINES.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::channel();
        let _ = std::thread::Builder::new()
            .name("stdin".to_string())
            .spawn(move || {
                for line in std::io::stdin().lock().lines() {
                    let Ok(line) = line else { return };
                    if send.send(line).is_err() {
                        return;
                    }
                }
            });
        Mutex::new(receive)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfnforge_deploy::cloud::ChangeDetail;

    #[test]
    fn the_table_says_may_replace_and_shows_values_before_and_after() {
        let change = ResourceChange {
            action: "Modify".into(),
            replacement: Some("False".into()),
            details: vec![
                ChangeDetail {
                    attribute: "Properties".into(),
                    name: Some("EngineVersion".into()),
                    requires_recreation: Some("Conditionally".into()),
                    before: Some("8.0".into()),
                    after: Some("8.1".into()),
                },
                ChangeDetail {
                    attribute: "Properties".into(),
                    name: Some("SnapshotRetentionLimit".into()),
                    requires_recreation: Some("Never".into()),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(replacement_label(&change), "May replace");
        assert_eq!(
            change_details(&change),
            [
                "    ~ EngineVersion: 8.0 -> 8.1 (may replace)",
                "    ~ SnapshotRetentionLimit"
            ]
        );
    }
}
