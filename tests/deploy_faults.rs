//! Deploy -> update -> destroy of the shipped stack through a fault-injecting proxy
//! (tests/emulator/fault_proxy.py) between cfnforge and the emulator: random 500s, throttling,
//! HTML 503s, dropped connections and slow answers, and answers lost after the emulator acted.
//!
//! Every step must end with exit 0 and the right state, or exit 1 with an error after which a
//! plain rerun (without faults) finishes the job. None may hang, panic or report success with a
//! wrong state. `CFNFORGE_RETRY_BASE_MS` shortens the retry backoff to keep this quick.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Emulator, HANG, workspace, write_stack};
use serde_json::Value;

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// The fault proxy, stopped when dropped.
struct Proxy {
    child: Child,
    url: String,
    log: tempfile::NamedTempFile,
}

impl Proxy {
    fn start(target: &str, args: &[String]) -> Proxy {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(common::venv().join("bin/python"))
            .arg(common::root().join("tests/emulator/fault_proxy.py"))
            .args(["--target", target, "--port", "0", "--delay", "0.5", "--log"])
            .arg(log.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("fault_proxy.py starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("ready on ") {
                        break url.trim().to_string();
                    }
                }
                _ => panic!("the fault proxy stopped before it was ready"),
            }
        };
        Proxy { child, url, log }
    }

    /// What the proxy did to each call so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How one command ended.
struct Ended {
    code: Option<i32>,
    shown: String,
    took: Duration,
}

/// Runs cfnforge against `url` with a short retry backoff (20 ms; `FAULT_RETRY_BASE_MS`
/// overrides it for measurements with the production backoff, 500).
fn cfnforge(url: &str, dir: &Path, args: &[&str]) -> Ended {
    let started = Instant::now();
    let base = std::env::var("FAULT_RETRY_BASE_MS").unwrap_or_else(|_| "20".to_string());
    let output = common::cfnforge_at(url, dir, args, &[("CFNFORGE_RETRY_BASE_MS", &base)]);
    Ended {
        code: output.status.code(),
        shown: format!(
            "cfnforge {}: {:.1} s\n{}",
            args.join(" "),
            started.elapsed().as_secs_f64(),
            common::text(&output)
        ),
        took: started.elapsed(),
    }
}

/// What the emulator holds (tests/emulator/state.py).
fn state(emulator: &Emulator) -> Value {
    emulator.script("state.py", &[])
}

/// Whether the emulator holds exactly the deployed stack, with its one cache at `retention`;
/// or nothing at all (`retention` None, after destroy). The reason when it does not.
fn check_state(state: &Value, retention: Option<i64>) -> Result<(), String> {
    let stacks = state["stacks"].as_array().unwrap();
    let groups = state["replication_groups"].as_array().unwrap();
    let wrong = |what: &str| Err(format!("{what}: {state:#}"));
    match retention {
        Some(days) => {
            if stacks.len() != 1 || stacks[0]["name"] != "bandup-redis" {
                return wrong("not exactly one stack");
            }
            if !matches!(
                stacks[0]["status"].as_str(),
                Some("CREATE_COMPLETE" | "UPDATE_COMPLETE")
            ) {
                return wrong("stack not complete");
            }
            if stacks[0]["change_sets"].as_array().unwrap().len() > 1 {
                return wrong("more than one change set");
            }
            if groups.len() != 1 || groups[0]["id"] != "bandup-redis" {
                return wrong("not exactly one replication group");
            }
            if groups[0]["retention"].as_i64() != Some(days) {
                return wrong(&format!("retention is not {days}"));
            }
            if state["subnet_groups"].as_array().unwrap().len() != 1 {
                return wrong("not exactly one cache subnet group");
            }
        }
        None => {
            if !stacks.is_empty()
                || !groups.is_empty()
                || !state["subnet_groups"].as_array().unwrap().is_empty()
                || state["security_groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g == "redis-sg")
            {
                return wrong("left behind after destroy");
            }
        }
    }
    Ok(())
}

/// How a whole deploy -> update -> destroy went.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Steps that ended with exit 0 and the right state.
    succeeded: u32,
    /// Steps that ended with exit 1, after which a plain rerun finished the job.
    recovered: u32,
    /// Time spent in the faulty commands.
    took: Duration,
}

/// A cycle's tally and what the proxy did to each call.
struct Cycle {
    tally: Tally,
    proxy_log: String,
}

/// An emulator with the seed's network, shared by the cycles of one test: each cycle ends
/// with the stack destroyed.
fn emulator() -> Emulator {
    let emulator = Emulator::start();
    emulator.create_network();
    emulator
}

/// Runs deploy, update and destroy through a proxy started with `proxy_args`; panics on any
/// outcome the module's rules forbid.
fn cycle(emulator: &Emulator, proxy_args: &[String]) -> Cycle {
    let proxy = Proxy::start(&emulator.url, proxy_args);
    let dir = workspace(SEED);
    let d = dir.path();
    let mut tally = Tally::default();
    let steps: [(&str, &[&str], Option<i64>); 3] = [
        (
            "backup_retention_days: 1",
            &["deploy", "bandup-redis", "--yes"],
            Some(1),
        ),
        (
            "backup_retention_days: 2",
            &["deploy", "bandup-redis", "--yes"],
            Some(2),
        ),
        (
            "backup_retention_days: 2",
            &["destroy", "bandup-redis", "--yes"],
            None,
        ),
    ];
    for (setting, args, retention) in steps {
        write_stack(d, &SEED.replace("backup_retention_days: 1", setting));
        let ended = cfnforge(&proxy.url, d, args);
        tally.took += ended.took;
        let context = || {
            format!(
                "{proxy_args:?}\n{}\n--- proxy\n{}",
                ended.shown,
                proxy.log()
            )
        };
        assert!(!ended.shown.contains("panicked"), "panic: {}", context());
        match ended.code {
            Some(0) => {
                if let Err(why) = check_state(&state(emulator), retention) {
                    panic!("success reported with a wrong state: {why}\n{}", context());
                }
                tally.succeeded += 1;
            }
            Some(1) => {
                assert!(
                    ended.shown.contains("error: ") && !ended.shown.contains("DispatchFailure"),
                    "exit 1 without a clear error: {}",
                    context()
                );
                // A plain rerun, without faults, finishes the job.
                let rerun = cfnforge(&emulator.url, d, args);
                assert_eq!(
                    rerun.code,
                    Some(0),
                    "the rerun did not finish the job: {}\n{}",
                    rerun.shown,
                    context()
                );
                if let Err(why) = check_state(&state(emulator), retention) {
                    panic!("wrong state after the rerun: {why}\n{}", context());
                }
                tally.recovered += 1;
            }
            None => panic!("hung (killed after {} s): {}", HANG.as_secs(), context()),
            Some(code) => panic!("exit {code}: {}", context()),
        }
    }
    Cycle {
        tally,
        proxy_log: proxy.log(),
    }
}

fn faults(rate: f64, seed: u64) -> Vec<String> {
    vec![
        "--rate".into(),
        rate.to_string(),
        "--seed".into(),
        seed.to_string(),
    ]
}

#[test]
fn deploy_update_destroy_survive_30_percent_faults_over_10_seeds() {
    let emulator = emulator();
    let mut total = Tally::default();
    for seed in 1..=10 {
        let Cycle { tally, proxy_log } = cycle(&emulator, &faults(0.3, seed));
        assert!(
            ["500", "throttle", "503", "close", "delay"]
                .iter()
                .all(|kind| proxy_log.contains(&format!(" {kind}\n")) || seed > 1),
            "seed 1 injects every kind of fault: {proxy_log}"
        );
        total.succeeded += tally.succeeded;
        total.recovered += tally.recovered;
        total.took += tally.took;
    }
    eprintln!(
        "30% faults, 10 seeds: {} of 30 steps succeeded at once, {} after a rerun, {:.1} s in cfnforge",
        total.succeeded,
        total.recovered,
        total.took.as_secs_f64()
    );
}

#[test]
fn a_lost_answer_to_each_state_changing_call_is_recovered_by_the_retry() {
    // The first CreateChangeSet creates the stack, the first ExecuteChangeSet creates the
    // cache, the first DeleteStack deletes it: each answer is lost after the emulator acted.
    let emulator = emulator();
    for lose in ["CreateChangeSet:1", "ExecuteChangeSet:1", "DeleteStack:1"] {
        let Cycle { tally, proxy_log } =
            cycle(&emulator, &["--lose".to_string(), lose.to_string()]);
        let operation = lose.split(':').next().unwrap();
        assert!(
            proxy_log.contains(&format!(" {operation} lose\n")),
            "the proxy lost the answer: {proxy_log}"
        );
        assert_eq!(
            (tally.succeeded, tally.recovered),
            (3, 0),
            "with {lose} lost every step succeeds by itself, thanks to the tokens\n{proxy_log}"
        );
    }
}

/// The figures for the README: `benches/faults.sh` runs this.
#[test]
#[ignore = "measurement, several minutes: benches/faults.sh"]
fn fault_rates_table() {
    let seeds: u64 = std::env::var("FAULT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let emulator = emulator();
    let baseline = cycle(&emulator, &faults(0.0, 0)).tally;
    println!(
        "rate  runs  all steps at once  runs needing a rerun  mean s per run (0%: {:.1})",
        baseline.took.as_secs_f64()
    );
    for rate in [0.1, 0.3, 0.5] {
        let mut clean = 0;
        let mut took = Duration::ZERO;
        for seed in 1..=seeds {
            let tally = cycle(&emulator, &faults(rate, seed)).tally;
            clean += u32::from(tally.recovered == 0);
            took += tally.took;
        }
        println!(
            "{:>3}%  {seeds:>4}  {clean:>17}  {:>20}  {:.1}",
            (rate * 100.0) as u32,
            seeds as u32 - clean,
            took.as_secs_f64() / seeds as f64
        );
    }
}

#[test]
fn network_faults_are_reported_in_words_not_sdk_debug_text() {
    let emulator = Emulator::start();
    let dir = workspace(SEED);
    for (kind, words) in [
        (
            "503",
            "answered HTTP 503 Service Unavailable with no AWS error in the body",
        ),
        ("close", "closed the connection without answering"),
        ("500", "InternalFailure: Injected internal failure"),
        ("throttle", "throttled: Rate exceeded"),
    ] {
        let proxy = Proxy::start(
            &emulator.url,
            &["--rate".into(), "1".into(), "--kinds".into(), kind.into()],
        );
        let ended = cfnforge(&proxy.url, dir.path(), &["deploy", "--yes"]);
        assert_eq!(ended.code, Some(1), "{}", ended.shown);
        assert!(
            ended
                .shown
                .contains(&format!("error: DescribeVpcs: {words}"))
                || ended.shown.contains(&words.replace("DescribeVpcs: ", "")),
            "{kind}: {}",
            ended.shown
        );
        for debug in [
            "DispatchFailure",
            "ServiceError",
            "ResponseError",
            "{ ",
            "source:",
        ] {
            assert!(!ended.shown.contains(debug), "{kind}: {}", ended.shown);
        }
        assert!(
            proxy.log().lines().count() == 8,
            "8 attempts, one layer of retries: {}",
            proxy.log()
        );
    }
    // Nothing listening: said so at once, not retried.
    let started = Instant::now();
    let ended = cfnforge("http://127.0.0.1:9", dir.path(), &["deploy", "--yes"]);
    assert_eq!(ended.code, Some(1), "{}", ended.shown);
    assert!(
        ended
            .shown
            .contains("could not connect to http://127.0.0.1:9: connection refused (nothing listens there on this machine: is the emulator running?"),
        "{}",
        ended.shown
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{}",
        ended.shown
    );
}

#[test]
fn a_call_that_stalls_times_out_and_is_retried_in_bounded_time() {
    let emulator = emulator();
    // The first DescribeVpcs is held for 150 s before it is forwarded.
    let proxy = Proxy::start(
        &emulator.url,
        &["--stall".into(), "DescribeVpcs:1:150".into()],
    );
    let dir = workspace(SEED);
    let started = Instant::now();
    let ended = cfnforge(&proxy.url, dir.path(), &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(ended.code, Some(0), "{}", ended.shown);
    let took = started.elapsed();
    // The read timeout (20 s) ends the stalled attempt; the retry goes through.
    assert!(
        took < Duration::from_secs(60),
        "took {took:?}: {}",
        ended.shown
    );
    assert!(
        proxy.log().contains("1 DescribeVpcs stall:150"),
        "{}",
        proxy.log()
    );
    check_state(&state(&emulator), Some(1)).unwrap();
}

#[test]
fn aws_out_of_reach_after_execute_says_the_change_set_ran_and_a_rerun_finishes() {
    let emulator = emulator();
    let proxy = Proxy::start(
        &emulator.url,
        &[
            "--fail-after".into(),
            "ExecuteChangeSet".into(),
            "--kinds".into(),
            "throttle".into(),
        ],
    );
    let dir = workspace(SEED);
    let args = ["deploy", "bandup-redis", "--yes"];
    let ended = cfnforge(&proxy.url, dir.path(), &args);
    assert_eq!(ended.code, Some(1), "{}", ended.shown);
    for words in [
        "error: stack bandup-redis: change set cfnforge-",
        "was executed, but following it failed: DescribeStackEvents: throttled: Rate exceeded",
        "CloudFormation carries on; nothing was cancelled",
        "describe-stack-events --stack-name arn:aws:cloudformation:",
        "run the same cfnforge command again",
    ] {
        assert!(ended.shown.contains(words), "{words:?} in {}", ended.shown);
    }
    let rerun = cfnforge(&emulator.url, dir.path(), &args);
    assert_eq!(rerun.code, Some(0), "{}", rerun.shown);
    assert!(rerun.shown.contains("no changes"), "{}", rerun.shown);
    check_state(&state(&emulator), Some(1)).unwrap();
}
