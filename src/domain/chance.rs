//! The chance of missing the SLO: not one expected value against the budget, but the whole
//! distribution of a year's bad minutes.
//!
//! Each risk occurs as a Poisson process at 365.25 / ETTF a year, each occurrence costing
//! (ETTD + ETTR) × users% minutes of bad time, so a year's total is a compound Poisson sum.
//! Its distribution is computed exactly on a grid of whole minutes (coarser only when the
//! year's bad time runs past ~11 days, far beyond any budget above a 97% SLO): the risks'
//! costs are put on the grid, weighted by their rates, and the compound Poisson transform
//! exp(Λ(φ − 1)) is taken with an FFT, exponentially tilted so mass beyond the grid cannot
//! wrap around. With whole-minute costs on a one-minute grid the result is exact to
//! floating-point rounding (about 1e-9), with no sampling error; it costs O(n log n) in the
//! grid's size whatever the number of risks, and the same input gives the same numbers.
//!
//! An estimate given as a range (a 90% interval, log-normal) spreads the cost of one
//! occurrence over equally likely values: the log-normal's quantiles at the midpoints of 16
//! equal slices (8 when two or three estimates are ranges), scaled so their mean is the
//! log-normal's.

use std::sync::Arc;

use rustfft::num_complex::Complex64;
use rustfft::{Fft, FftPlanner};
use serde::Serialize;

use super::estimates::{Amount, Estimates, incidents_per_year};

/// The standard normal's quantiles at (j + ½) / 16.
const Z16: [f64; 16] = [
    -1.862_731_867_421_651,
    -1.318_010_897_303_536_7,
    -1.009_990_169_249_582,
    -0.776_421_761_147_927_6,
    -0.579_132_162_255_556,
    -0.402_250_065_321_725_25,
    -0.237_202_109_328_787_7,
    -0.078_412_412_733_112_2,
    0.078_412_412_733_112_2,
    0.237_202_109_328_787_7,
    0.402_250_065_321_725_25,
    0.579_132_162_255_556,
    0.776_421_761_147_927_6,
    1.009_990_169_249_582,
    1.318_010_897_303_536_7,
    1.862_731_867_421_651,
];

/// The standard normal's quantiles at (j + ½) / 8.
const Z8: [f64; 8] = [
    -1.534_120_544_352_545_9,
    -0.887_146_559_018_875_9,
    -0.488_776_411_114_669_4,
    -0.157_310_684_610_170_67,
    0.157_310_684_610_170_67,
    0.488_776_411_114_669_4,
    0.887_146_559_018_875_9,
    1.534_120_544_352_545_9,
];

/// The most grid points the distribution's support takes (the FFT runs on twice as many).
const MAX_POINTS: f64 = 16_384.0;

/// How strongly the grid is tilted: mass that would wrap around the FFT's end is damped by
/// e^-TILT, while rounding in the kept half grows by at most e^(TILT/2).
const TILT: f64 = 20.0;

/// What one occurrence of a risk costs, in minutes of bad time: one value, or equally
/// likely values (a range's log-normal, discretized).
#[derive(Clone, Debug, PartialEq)]
pub enum Cost {
    Exact(f64),
    Spread(Vec<f64>),
}

impl Cost {
    fn values(&self) -> &[f64] {
        match self {
            Cost::Exact(v) => std::slice::from_ref(v),
            Cost::Spread(v) => v,
        }
    }

    fn moments(&self) -> (f64, f64, f64) {
        let values = self.values();
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let square = values.iter().map(|v| v * v).sum::<f64>() / n;
        let max = values.iter().copied().fold(0.0, f64::max);
        (mean, square, max)
    }
}

/// One risk's part in a year's bad minutes: how often it occurs and what each occurrence
/// costs.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure {
    /// Occurrences a year (the Poisson rate).
    pub rate: f64,
    pub cost: Cost,
}

/// The equally likely values of an estimate: itself, or `k` quantiles of its range's
/// log-normal scaled to the log-normal's mean.
fn values(a: Amount, z: &[f64]) -> Vec<f64> {
    let Some((mu, sigma)) = a.log_normal() else {
        return vec![a.get()];
    };
    let raw: Vec<f64> = z.iter().map(|z| (mu + sigma * z).exp()).collect();
    let mean = raw.iter().sum::<f64>() / raw.len() as f64;
    let scale = if mean > 0.0 { a.get() / mean } else { 1.0 };
    raw.iter().map(|v| v * scale).collect()
}

impl Exposure {
    /// A risk's exposure from its four estimates; `None` without all four.
    pub fn of(e: &Estimates) -> Option<Exposure> {
        let (d, r, u, f) = (e.ettd?, e.ettr?, e.users?, e.ettf?);
        let rate = incidents_per_year(f.get());
        if !(rate.is_finite() && rate > 0.0) {
            return None;
        }
        let ranged = [d, r, u].iter().filter(|a| a.bounds().is_some()).count();
        let z: &[f64] = if ranged > 1 { &Z8 } else { &Z16 };
        let (ds, rs, us) = (values(d, z), values(r, z), values(u, z));
        let mut costs = Vec::with_capacity(ds.len() * rs.len() * us.len());
        for d in &ds {
            for r in &rs {
                for u in &us {
                    costs.push((d + r) * u.min(100.0) / 100.0);
                }
            }
        }
        let cost = match costs.as_slice() {
            [one] => Cost::Exact(*one),
            _ => Cost::Spread(costs),
        };
        Some(Exposure { rate, cost })
    }

    /// Expected bad minutes a year.
    pub fn mean(&self) -> f64 {
        self.rate * self.cost.moments().0
    }

    /// The variance of its bad minutes a year (a compound Poisson's: rate × E[cost²]).
    fn variance(&self) -> f64 {
        self.rate * self.cost.moments().1
    }
}

/// Where a year's bad minutes are computed: every `step` minutes, from 0 to `top`, on an
/// FFT of `n` points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub step: f64,
    /// The last grid point of the support (the rest of the FFT is room against wrapping).
    top: usize,
    n: usize,
}

impl Grid {
    /// A grid wide enough for every state in `states` (each a set of exposures): the mean
    /// plus twelve standard deviations plus twice the largest single cost.
    pub fn fit<'a>(states: impl IntoIterator<Item = &'a [Exposure]>) -> Grid {
        let mut upper: f64 = 0.0;
        for state in states {
            let (mut mean, mut variance, mut largest) = (0.0, 0.0, 0.0f64);
            for e in state {
                mean += e.mean();
                variance += e.variance();
                largest = largest.max(e.cost.moments().2);
            }
            upper = upper.max(mean + 12.0 * variance.sqrt() + 2.0 * largest);
        }
        let step = (upper / MAX_POINTS).ceil().max(1.0);
        let top = (upper / step).ceil() as usize + 1;
        let n = (2 * (top + 1)).next_power_of_two().max(64);
        Grid { step, top, n }
    }
}

/// The rate-weighted costs of a set of risks on a grid: what the FFT takes. Risks are added
/// and taken out one at a time, so a burn-down can let milestones land one after another.
pub struct Severity {
    grid: Grid,
    mass: Vec<f64>,
    rate: f64,
    expected: f64,
}

impl Severity {
    pub fn new(grid: Grid) -> Severity {
        Severity {
            grid,
            mass: vec![0.0; grid.n],
            rate: 0.0,
            expected: 0.0,
        }
    }

    /// Adds (`sign` 1) or takes out (−1) one risk's exposure.
    pub fn add(&mut self, e: &Exposure, sign: f64) {
        let values = e.cost.values();
        let weight = sign * e.rate / values.len() as f64;
        let last = self.grid.top;
        for v in values {
            let at = v / self.grid.step;
            let low = at.floor();
            let frac = at - low;
            let low = (low as usize).min(last);
            if frac < 1e-9 {
                self.mass[low] += weight;
            } else {
                // Between two grid points: split so the mean stays the same.
                self.mass[low] += weight * (1.0 - frac);
                self.mass[(low + 1).min(last)] += weight * frac;
            }
        }
        self.rate += sign * e.rate;
        self.expected += sign * e.mean();
    }

    /// The year's distribution: the probability of each grid point.
    pub fn distribution(&self, fft: &FftPair) -> Distribution {
        let n = self.grid.n;
        let theta = TILT / n as f64;
        let mut buf: Vec<Complex64> = self
            .mass
            .iter()
            .enumerate()
            .map(|(k, m)| Complex64::new(m * (-theta * k as f64).exp(), 0.0))
            .collect();
        fft.forward.process(&mut buf);
        for x in &mut buf {
            *x = (*x - self.rate).exp();
        }
        fft.inverse.process(&mut buf);
        let top = self.grid.top;
        let mut pmf: Vec<f64> = buf[..=top]
            .iter()
            .enumerate()
            .map(|(k, x)| (x.re / n as f64 * (theta * k as f64).exp()).max(0.0))
            .collect();
        let total: f64 = pmf.iter().sum();
        if total > 0.0 {
            for p in &mut pmf {
                *p /= total;
            }
        }
        Distribution {
            step: self.grid.step,
            pmf,
            expected: self.expected.max(0.0),
        }
    }
}

/// The forward and inverse FFT of one grid size, planned once.
pub struct FftPair {
    forward: Arc<dyn Fft<f64>>,
    inverse: Arc<dyn Fft<f64>>,
}

impl FftPair {
    pub fn new(grid: Grid) -> FftPair {
        let mut planner = FftPlanner::new();
        FftPair {
            forward: planner.plan_fft_forward(grid.n),
            inverse: planner.plan_fft_inverse(grid.n),
        }
    }
}

/// A year's bad minutes: the probability of each multiple of `step`.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub step: f64,
    pmf: Vec<f64>,
    expected: f64,
}

impl Distribution {
    /// The probability that the year's bad minutes exceed `budget`.
    pub fn exceeds(&self, budget: f64) -> f64 {
        self.pmf
            .iter()
            .enumerate()
            .filter(|(k, _)| *k as f64 * self.step > budget)
            .map(|(_, p)| p)
            .fold(0.0, |sum, p| sum + p)
            .clamp(0.0, 1.0)
    }

    /// The smallest number of bad minutes the year stays at or under with probability `p`.
    pub fn quantile(&self, p: f64) -> f64 {
        let mut cumulative = 0.0;
        for (k, q) in self.pmf.iter().enumerate() {
            cumulative += q;
            if cumulative >= p - 1e-12 {
                return k as f64 * self.step;
            }
        }
        (self.pmf.len().saturating_sub(1)) as f64 * self.step
    }

    /// The figures a person reads against a budget.
    pub fn chance(&self, budget: f64) -> Chance {
        Chance {
            miss_probability: self.exceeds(budget),
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p99: self.quantile(0.99),
            expected: self.expected,
            step_minutes: self.step,
        }
    }
}

/// The chance of missing a budget, and the year's bad minutes at three percentiles.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chance {
    /// The probability that a year's bad minutes exceed the budget.
    pub miss_probability: f64,
    /// Half of all years stay at or under this many bad minutes.
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    /// The expected bad minutes a year (what the budget's "used" figure is).
    pub expected: f64,
    /// The grid the distribution was computed on: whole minutes (1) unless the year's bad
    /// time runs past 16,384 minutes.
    pub step_minutes: f64,
}

/// The distribution of a year's bad minutes from these exposures alone.
pub fn year(exposures: &[Exposure]) -> Distribution {
    let grid = Grid::fit([exposures]);
    let mut severity = Severity::new(grid);
    for e in exposures {
        severity.add(e, 1.0);
    }
    severity.distribution(&FftPair::new(grid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(rate: f64, cost: f64) -> Exposure {
        Exposure {
            rate,
            cost: Cost::Exact(cost),
        }
    }

    /// P(N ≤ k) for N ~ Poisson(λ).
    fn poisson_cdf(lambda: f64, k: u64) -> f64 {
        let mut term = (-lambda).exp();
        let mut sum = term;
        for i in 1..=k {
            term *= lambda / i as f64;
            sum += term;
        }
        sum
    }

    #[test]
    fn one_risk_matches_the_poisson_closed_form() {
        for (lambda, cost, budget) in [
            (3.0, 60.0, 100.0),
            (0.5, 300.0, 1051.92),
            (12.0, 20.0, 263.0),
            (40.0, 7.0, 300.0),
        ] {
            let d = year(&[exact(lambda, cost)]);
            let want = 1.0 - poisson_cdf(lambda, (budget / cost).floor() as u64);
            let got = d.exceeds(budget);
            assert!(
                (got - want).abs() < 1e-9,
                "λ {lambda} c {cost}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn no_chance_is_a_plain_zero() {
        // No risk at all: nothing exceeds any budget, and JSON must read 0.0, not -0.0.
        let got = year(&[]).exceeds(100.0);
        assert!(got == 0.0 && got.is_sign_positive(), "{got:?}");
    }

    #[test]
    fn two_risks_match_their_exact_convolution() {
        // Costs 30 and 50, rates 2 and 1: S = 30·N1 + 50·N2.
        let d = year(&[exact(2.0, 30.0), exact(1.0, 50.0)]);
        let pmf = |l: f64, k: u64| (-l).exp() * l.powi(k as i32) / (1..=k).product::<u64>() as f64;
        let budget = 125.0;
        let mut within = 0.0;
        for a in 0..=10u64 {
            for b in 0..=10u64 {
                if (30 * a + 50 * b) as f64 <= budget {
                    within += pmf(2.0, a) * pmf(1.0, b);
                }
            }
        }
        assert!((d.exceeds(budget) - (1.0 - within)).abs() < 1e-9);
    }

    #[test]
    fn percentiles_and_the_same_numbers_every_time() {
        let risks = [exact(4.0, 15.0), exact(0.2, 600.0), exact(30.0, 2.0)];
        let a = year(&risks).chance(500.0);
        let b = year(&risks).chance(500.0);
        assert_eq!(a, b);
        assert!(a.p50 <= a.p90 && a.p90 <= a.p99, "{a:?}");
        assert!((a.expected - (60.0 + 120.0 + 60.0)).abs() < 1e-9);
    }

    #[test]
    fn a_range_spreads_the_cost_and_keeps_its_mean() {
        let mut e = Estimates {
            ettd: Amount::new(0.0),
            ettr: Amount::range(20.0, 60.0),
            users: Amount::new(100.0),
            ettf: Amount::new(365.25),
        };
        let spread = Exposure::of(&e).unwrap();
        let Cost::Spread(values) = &spread.cost else {
            panic!("a range spreads the cost")
        };
        assert_eq!(values.len(), 16);
        let mean = e.ettr.unwrap().get();
        assert!((spread.mean() - mean).abs() < 1e-9);
        e.ettr = Amount::new(40.0);
        assert_eq!(Exposure::of(&e).unwrap().cost, Cost::Exact(40.0));
    }
}
