//! `by cost [a, b, …]`: cheapest first in each lane (merit order), ties in
//! list order. Capacity already paid for through a commitment costs nothing
//! more, so it comes before any paid capacity.
//!
//! The order is sorted once per lane for each distinct list of providers,
//! and each list keeps a cursor past the capacity already used up, so a
//! thousand demands over a thousand providers cost P log P per lane, not
//! P × D.

use std::collections::HashMap;

use super::{Job, Lane, Policy};

/// One piece of a provider's capacity in merit order.
#[derive(Clone, Copy)]
struct Tranche {
    /// Position in the list.
    k: usize,
    provider: usize,
    committed: bool,
}

pub struct Cost {
    /// Allocation → its distinct list.
    list_of: Vec<usize>,
    distinct: Vec<Vec<usize>>,
    /// Per distinct list, this lane's merit order (built on first use).
    order: Vec<Option<Vec<Tranche>>>,
    cursor: Vec<usize>,
    keys: Vec<(u8, f64, usize, Tranche)>,
}

impl Cost {
    pub fn new(lists: &[Vec<usize>]) -> Cost {
        let mut ids: HashMap<&[usize], usize> = HashMap::new();
        let mut distinct = Vec::new();
        let list_of = lists
            .iter()
            .map(|l| {
                *ids.entry(l.as_slice()).or_insert_with(|| {
                    distinct.push(l.clone());
                    distinct.len() - 1
                })
            })
            .collect();
        let n = distinct.len();
        Cost {
            list_of,
            distinct,
            order: vec![None; n],
            cursor: vec![0; n],
            keys: Vec::new(),
        }
    }

    fn sorted(&mut self, id: usize, lane: &Lane) -> Vec<Tranche> {
        if let Some(o) = self.order[id].take() {
            return o;
        }
        {
            self.keys.clear();
            for (k, &p) in self.distinct[id].iter().enumerate() {
                if lane.committed[p] > 0.0 {
                    self.keys.push((
                        0,
                        0.0,
                        k,
                        Tranche {
                            k,
                            provider: p,
                            committed: true,
                        },
                    ));
                }
                let price = lane.price[p][lane.i];
                self.keys.push((
                    1,
                    price,
                    k,
                    Tranche {
                        k,
                        provider: p,
                        committed: false,
                    },
                ));
            }
            self.keys.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
            });
        }
        self.keys.iter().map(|x| x.3).collect()
    }
}

fn exhausted(t: &Tranche, lane: &Lane) -> bool {
    let p = t.provider;
    lane.remaining[p] <= 0.0
        || if t.committed {
            lane.committed[p] <= 0.0
        } else {
            lane.remaining[p] - lane.committed[p] <= 0.0
        }
}

impl Policy for Cost {
    fn new_lane(&mut self, _lane: &Lane) {
        self.order.iter_mut().for_each(|o| *o = None);
        self.cursor.iter_mut().for_each(|c| *c = 0);
    }

    fn serve(&mut self, list: usize, lane: &mut Lane, job: &mut Job) {
        let id = self.list_of[list];
        // Taken out while it is walked, put back for the next allocation.
        let order = self.sorted(id, lane);
        let mut c = self.cursor[id];
        while c < order.len() && exhausted(&order[c], lane) {
            c += 1;
        }
        self.cursor[id] = c;
        let mut left = job.want;
        for t in &order[c..] {
            if left <= 0.0 {
                break;
            }
            let got = if t.committed {
                lane.take_committed(t.provider, left)
            } else {
                lane.take_paid(t.provider, left, &mut job.budget)
            };
            job.takes[t.k] += got;
            left -= got;
        }
        self.order[id] = Some(order);
    }
}
