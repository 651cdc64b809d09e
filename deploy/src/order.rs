//! Several stacks in one run: each starts once the stacks it waits for are done, up to a number
//! at a time (`deploy --concurrency`), as the CDK's `--concurrency` does. The plan, with its
//! order and waits, comes from the assembly (`Assembly::deploy_plan`, `destroy_plan`).

use std::collections::HashSet;
use std::future::Future;

use cfnforge::assembly::Step;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

/// How one stack of a run ended.
#[derive(Debug)]
pub enum Ran<T, E> {
    Done(T),
    Failed(E),
    /// Not started: a stack before it failed (a run stops starting stacks at the first
    /// failure, and waits for the ones running).
    NotStarted,
}

/// Runs `job` for each step of `plan`, each once the steps it waits for are done, at most
/// `concurrency` at a time (at least one); of the steps ready, the first in the plan starts
/// first. The results are in the plan's order. The jobs run on the caller's task: they need
/// not be `Send`.
pub async fn in_order<T, E, F, Fut>(
    plan: &[Step],
    concurrency: usize,
    mut job: F,
) -> Vec<(String, Ran<T, E>)>
where
    F: FnMut(&str) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut results: Vec<(String, Ran<T, E>)> = plan
        .iter()
        .map(|step| (step.stack.clone(), Ran::NotStarted))
        .collect();
    let mut started = vec![false; plan.len()];
    let mut done: HashSet<&str> = HashSet::new();
    let mut failed = false;
    let mut running = FuturesUnordered::new();
    loop {
        while !failed && running.len() < concurrency.max(1) {
            let ready = plan.iter().enumerate().find(|(i, step)| {
                !started[*i] && step.after.iter().all(|a| done.contains(a.as_str()))
            });
            let Some((i, step)) = ready else { break };
            started[i] = true;
            let work = job(&step.stack);
            running.push(async move { (i, work.await) });
        }
        let Some((i, result)) = running.next().await else {
            break;
        };
        results[i].1 = match result {
            Ok(value) => {
                done.insert(plan[i].stack.as_str());
                Ran::Done(value)
            }
            Err(e) => {
                failed = true;
                Ran::Failed(e)
            }
        };
    }
    results
}
