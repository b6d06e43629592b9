//! Running statistics with NFStream's arithmetic (Welford updates in C, `flow.py` conversion),
//! so means and standard deviations come out bit for bit as NFStream prints them.

/// Count, min, max, mean and M2 of a series of integers. 32 bytes: counts and extremes are
/// u32 (sizes are uint16 in NFStream; gaps are bounded by the idle timeout, and saturate at
/// u32::MAX — 49 days in ms, 71 minutes in µs), since a flow table holds millions of these.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Welford {
    pub mean: f64,
    pub m2: f64,
    pub n: u32,
    pub min: u32,
    pub max: u32,
}

impl Welford {
    #[inline]
    pub fn push(&mut self, x: u64) {
        let x = x.min(u32::MAX as u64) as u32;
        self.n = self.n.saturating_add(1);
        if self.n == 1 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        let xf = x as f64;
        let delta = xf - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (xf - self.mean);
    }

    /// Sample standard deviation (n − 1), 0 below two values: NFStream's `*_stddev_ps`.
    pub fn stddev(&self) -> f64 {
        if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_plain_recomputation() {
        let xs = [58u64, 60, 54, 180, 60, 358, 54, 1484, 54, 1484];
        let mut w = Welford::default();
        for &x in &xs {
            w.push(x);
        }
        let mean = xs.iter().sum::<u64>() as f64 / xs.len() as f64;
        let var =
            xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((w.mean - mean).abs() < 1e-9);
        assert!((w.stddev() - var.sqrt()).abs() < 1e-9);
        assert_eq!((w.min, w.max, w.n), (54, 1484, 10));
    }
}
