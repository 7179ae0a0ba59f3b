//! The dependency graph's order, found without recursion so a chain of
//! 100,000 `let`s cannot overflow the stack, and the nodes downstream of
//! some others (what a scenario's override reaches).

use std::collections::HashSet;
use std::sync::Arc;

use super::ir::NodeId;

/// Orders the nodes so each comes after what it reads. Returns the order
/// (nodes on a cycle left out) and every cycle found, once each.
pub fn topo_order(deps: &[Arc<Vec<NodeId>>]) -> (Vec<NodeId>, Vec<Vec<NodeId>>) {
    let n = deps.len();
    // 0 = new, 1 = on the path, 2 = done.
    let mut state = vec![0u8; n];
    let mut at = vec![usize::MAX; n];
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
        at[root] = 0;
        path.push((root, 0));
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            let ds = &deps[node];
            if *next < ds.len() {
                let d = ds[*next];
                *next += 1;
                match state[d] {
                    0 => {
                        state[d] = 1;
                        at[d] = path.len();
                        path.push((d, 0));
                    }
                    1 => {
                        let members: Vec<NodeId> = path[at[d]..].iter().map(|(p, _)| *p).collect();
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

/// Every node that reads one of `roots`, directly or not (roots included).
pub fn downstream(deps: &[Arc<Vec<NodeId>>], roots: &[NodeId]) -> Vec<bool> {
    let n = deps.len();
    let mut readers: Vec<Vec<NodeId>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &d in ds.iter() {
            if d < n {
                readers[d].push(i);
            }
        }
    }
    let mut mark = vec![false; n];
    let mut stack: Vec<NodeId> = roots.to_vec();
    while let Some(x) = stack.pop() {
        if x >= n || mark[x] {
            continue;
        }
        mark[x] = true;
        stack.extend(readers[x].iter().copied());
    }
    mark
}

/// Every node that `roots` read, directly or not (roots included).
pub fn upstream(deps: &[Arc<Vec<NodeId>>], roots: &[NodeId]) -> Vec<bool> {
    let n = deps.len();
    let mut mark = vec![false; n];
    let mut stack: Vec<NodeId> = roots.to_vec();
    while let Some(x) = stack.pop() {
        if x >= n || mark[x] {
            continue;
        }
        mark[x] = true;
        stack.extend(deps[x].iter().copied());
    }
    mark
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(edges: &[&[usize]]) -> Vec<Arc<Vec<NodeId>>> {
        edges.iter().map(|e| Arc::new(e.to_vec())).collect()
    }

    #[test]
    fn orders_and_finds_cycles() {
        let (order, cycles) = topo_order(&g(&[&[1], &[2], &[], &[4], &[3]]));
        assert_eq!(order, vec![2, 1, 0]);
        assert_eq!(cycles.len(), 1);
        let long: Vec<Arc<Vec<NodeId>>> = (0..100_000)
            .map(|i| Arc::new(if i == 0 { vec![] } else { vec![i - 1] }))
            .collect();
        assert_eq!(topo_order(&long).0.len(), 100_000);
    }

    #[test]
    fn downstream_and_upstream() {
        let d = g(&[&[], &[0], &[1], &[]]);
        assert_eq!(downstream(&d, &[1]), vec![false, true, true, false]);
        assert_eq!(upstream(&d, &[2]), vec![true, true, true, false]);
    }
}
