//! `by share { a: 40%, b: rest }`: each provider its share of the demand,
//! capped by what it has left; `rest` takes what the others leave.

use super::{Job, Lane, Policy};

pub struct Share;

impl Policy for Share {
    fn serve(&mut self, _list: usize, lane: &mut Lane, job: &mut Job) {
        let mut left = job.want;
        let mut rest = None;
        for (k, &p) in job.providers.iter().enumerate() {
            match job.shares.get(k).copied().flatten() {
                Some(s) => {
                    let got = lane.take(p, s * job.want, &mut job.budget);
                    job.takes[k] += got;
                    left -= got;
                }
                None => rest = Some((k, p)),
            }
        }
        if let Some((k, p)) = rest {
            let got = lane.take(p, left, &mut job.budget);
            job.takes[k] += got;
        }
    }
}
