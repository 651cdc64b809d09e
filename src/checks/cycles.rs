//! Cycles in the dependency graph of a template's resources.

use std::collections::{BTreeSet, HashMap, VecDeque};

/// The cycles among nodes `0..successors.len()`, where `successors[n]` are the nodes `n` depends
/// on: one per set of nodes that all reach each other (a strongly connected component), the
/// shortest cycle through the set's lowest node, written from that node back to it
/// (`[a, b, c, a]`). Ordered by that lowest node, so the result depends only on the graph.
pub(super) fn cycles(successors: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    let component = components(successors);
    let mut size = vec![0; successors.len()];
    for &number in &component {
        size[number] += 1;
    }
    let mut reported = BTreeSet::new();
    let mut found = Vec::new();
    for (start, &number) in component.iter().enumerate() {
        if !reported.insert(number) {
            continue;
        }
        if size[number] == 1 {
            if successors[start].contains(&start) {
                found.push(vec![start, start]);
            }
            continue;
        }
        let in_component = |node: usize| component[node] == number;
        if let Some(cycle) = shortest_cycle(successors, start, in_component) {
            found.push(cycle);
        }
    }
    found
}

/// Kosaraju's algorithm with explicit stacks (a parsed template can have any number of
/// resources, so no recursion): for each node, the number of its strongly connected component.
fn components(successors: &[BTreeSet<usize>]) -> Vec<usize> {
    let count = successors.len();

    // First pass: nodes in the order their depth-first search finishes.
    let mut visited = vec![false; count];
    let mut finished = Vec::with_capacity(count);
    for root in 0..count {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        let mut stack = vec![(root, successors[root].iter())];
        while let Some((node, next)) = stack.last_mut() {
            match next.next() {
                Some(&child) if !visited[child] => {
                    visited[child] = true;
                    stack.push((child, successors[child].iter()));
                }
                Some(_) => {}
                None => {
                    finished.push(*node);
                    stack.pop();
                }
            }
        }
    }

    // Second pass, on the reversed graph, latest finisher first: each search collects one
    // component.
    let mut predecessors = vec![Vec::new(); count];
    for (node, children) in successors.iter().enumerate() {
        for &child in children {
            predecessors[child].push(node);
        }
    }
    let mut component = vec![usize::MAX; count];
    for (number, &root) in finished.iter().rev().enumerate() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = number;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &parent in &predecessors[node] {
                if component[parent] == usize::MAX {
                    component[parent] = number;
                    stack.push(parent);
                }
            }
        }
    }
    component
}

/// Breadth-first search from `start` back to itself through nodes that satisfy `allowed`.
fn shortest_cycle(
    successors: &[BTreeSet<usize>],
    start: usize,
    allowed: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    // Sized by the nodes reached, not the whole graph: a graph can have many small cycles.
    let mut came_from = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &child in &successors[node] {
            if child == start {
                // Walk back along the search tree, which is rooted at `start`.
                let mut cycle = vec![start, node];
                let mut at = node;
                while let Some(&previous) = came_from.get(&at) {
                    cycle.push(previous);
                    at = previous;
                }
                cycle.reverse();
                return Some(cycle);
            }
            if allowed(child) && !came_from.contains_key(&child) {
                came_from.insert(child, node);
                queue.push_back(child);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(usize, usize)], count: usize) -> Vec<BTreeSet<usize>> {
        let mut successors = vec![BTreeSet::new(); count];
        for &(from, to) in edges {
            successors[from].insert(to);
        }
        successors
    }

    #[test]
    fn a_graph_without_cycles_has_none() {
        let successors = graph(&[(0, 1), (1, 2), (0, 2), (3, 2)], 4);
        assert_eq!(cycles(&successors), Vec::<Vec<usize>>::new());
    }

    #[test]
    fn a_self_reference_is_a_cycle_of_one() {
        assert_eq!(cycles(&graph(&[(0, 1), (1, 1)], 2)), vec![vec![1, 1]]);
    }

    #[test]
    fn a_cycle_starts_and_ends_at_its_lowest_node() {
        let successors = graph(&[(2, 0), (0, 3), (3, 2), (1, 0)], 4);
        assert_eq!(cycles(&successors), vec![vec![0, 3, 2, 0]]);
    }

    #[test]
    fn one_cycle_per_tangle_the_shortest_through_its_first_node() {
        // 0 -> 1 -> 2 -> 0 and 0 -> 2 -> 0 tangle together; 3 <-> 4 is a second cycle.
        let successors = graph(&[(0, 1), (1, 2), (2, 0), (0, 2), (3, 4), (4, 3)], 5);
        assert_eq!(cycles(&successors), vec![vec![0, 2, 0], vec![3, 4, 3]]);
    }

    #[test]
    fn long_chains_do_not_exhaust_the_stack() {
        let count = 100_000;
        let edges: Vec<(usize, usize)> = (0..count).map(|n| (n, (n + 1) % count)).collect();
        let found = cycles(&graph(&edges, count));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), count + 1);

        let pairs: Vec<(usize, usize)> = (0..count).map(|n| (n, n ^ 1)).collect();
        assert_eq!(cycles(&graph(&pairs, count)).len(), count / 2);
    }
}
