//! Evaluation order of the dependency graph, found without recursion so a
//! chain of 100,000 `let`s cannot overflow the stack.

use std::collections::{HashMap, HashSet};

use super::{Model, NodeId};

/// Orders the nodes so each comes after what it reads. `deps_override`
/// replaces the dependencies of some nodes (a scenario's overrides). Returns
/// the order (nodes on a cycle left out) and every cycle found, once each.
pub fn topo_order(
    m: &Model,
    deps_override: &HashMap<NodeId, Vec<NodeId>>,
) -> (Vec<NodeId>, Vec<Vec<NodeId>>) {
    let n = m.nodes.len();
    let deps = |i: NodeId| -> &[NodeId] { deps_override.get(&i).map_or(&m.nodes[i].deps, |d| d) };
    // 0 = new, 1 = on the path, 2 = done.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut cycles: Vec<Vec<NodeId>> = Vec::new();
    let mut seen_cycles: HashSet<Vec<NodeId>> = HashSet::new();
    let mut on_cycle = vec![false; n];
    let mut path: Vec<(NodeId, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        path.push((root, 0));
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let ds = deps(node);
            if *next < ds.len() {
                let d = ds[*next];
                *next += 1;
                match state[d] {
                    0 => {
                        state[d] = 1;
                        path.push((d, 0));
                    }
                    1 => {
                        let start = path.iter().position(|(p, _)| *p == d).unwrap_or(0);
                        let members: Vec<NodeId> = path[start..].iter().map(|(p, _)| *p).collect();
                        let mut key = members.clone();
                        key.sort_unstable();
                        for &c in &members {
                            on_cycle[c] = true;
                        }
                        if seen_cycles.insert(key) {
                            cycles.push(members);
                        }
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                path.pop();
                order.push(node);
            }
        }
    }
    order.retain(|&i| !on_cycle[i]);
    (order, cycles)
}
