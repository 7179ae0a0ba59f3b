//! `by priority [a, b, …]`: fill a up to its capacity, then b, …

use super::{Job, Lane, Policy};

/// Per list, the first provider not yet full in this lane: providers only
/// fill up within a lane, so later allocations start there.
pub struct Priority {
    lists: Vec<Vec<usize>>,
    cursor: Vec<usize>,
}

impl Priority {
    pub fn new(lists: &[Vec<usize>]) -> Priority {
        Priority {
            lists: lists.to_vec(),
            cursor: vec![0; lists.len()],
        }
    }
}

impl Policy for Priority {
    fn new_lane(&mut self, _lane: &Lane) {
        self.cursor.iter_mut().for_each(|c| *c = 0);
    }

    fn serve(&mut self, list: usize, lane: &mut Lane, job: &mut Job) {
        let providers = &self.lists[list];
        let mut k = self.cursor[list];
        while k < providers.len() && lane.remaining[providers[k]] <= 0.0 {
            k += 1;
        }
        self.cursor[list] = k;
        let mut left = job.want;
        for (j, &p) in providers.iter().enumerate().skip(k) {
            if left <= 0.0 {
                break;
            }
            let got = lane.take(p, left, &mut job.budget);
            job.takes[j] += got;
            left -= got;
        }
    }
}
