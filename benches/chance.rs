//! The chance of missing the SLO at scale: the distribution of a year's bad minutes for
//! N estimated risks (one in five with a range), now and after each of 20 milestones lands,
//! as `riskreg report` computes it.
//!
//!     cargo bench --bench chance -- [--risks 1000] [--runs 11] [--machine]
//!
//! The risks are made from a fixed seed, so every run computes the same thing. `--machine`
//! adds `RESULT key=value` lines for `benches/compare.py`: `risks`, `milestones`,
//! `chance_ms` (median over the runs, in ms), `miss_probability` and `step_minutes`.

use std::time::Instant;

use riskreg::domain::Amount;
use riskreg::domain::budgets::Budgets;
use riskreg::domain::chance::Exposure;
use riskreg::domain::estimates::Estimates;
use riskreg::scoring::Settings;

struct Args {
    risks: usize,
    runs: usize,
    machine: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        risks: 1000,
        runs: 11,
        machine: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--risks" => a.risks = value()?.parse().map_err(|e| format!("--risks: {e}"))?,
            "--runs" => a.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--machine" => a.machine = true,
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// A small linear congruential generator: the same risks every run, no dependency.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next()
    }
}

fn amount(v: f64) -> Result<Amount, String> {
    Amount::new(v).ok_or(format!("{v} is not an amount"))
}

fn main() -> Result<(), String> {
    let args = args()?;
    let mut rng = Seeded(20_261_129);
    let milestones: Vec<String> = (1..=20).map(|i| format!("m{i:02}")).collect();
    // Each risk: detect 1-30 min, repair 5-240 (one in five a range), 1-100% of users,
    // every 30 days to 10 years; half on a milestone that halves its repair time.
    let mut risks = Vec::with_capacity(args.risks);
    for i in 0..args.risks {
        let repair = rng.between(5.0, 240.0);
        let ettr = if i % 5 == 0 {
            Amount::range(repair / 3.0, repair * 2.0).ok_or("a range")?
        } else {
            amount(repair)?
        };
        let now = Estimates {
            ettd: Some(amount(rng.between(1.0, 30.0))?),
            ettr: Some(ettr),
            users: Some(amount(rng.between(1.0, 100.0))?),
            ettf: Some(amount(rng.between(30.0, 3652.5))?),
        };
        let then = (i % 2 == 0).then(|| {
            let mut t = now;
            t.ettr = Amount::new(repair / 2.0);
            (milestones[i % milestones.len()].clone(), t)
        });
        risks.push((now, then));
    }
    let settings = Settings::default();
    let names: Vec<&str> = milestones.iter().map(String::as_str).collect();
    let mut times = Vec::with_capacity(args.runs);
    let mut last = None;
    for _ in 0..args.runs {
        let start = Instant::now();
        let mut budgets = Budgets::new(&settings);
        for (now, then) in &risks {
            let minutes = now.bad_minutes_per_year().unwrap_or(0.0);
            let then = then
                .as_ref()
                .and_then(|(m, t)| Exposure::of(t).map(|e| (m.clone(), e)));
            budgets.add("", minutes, Exposure::of(now), then);
        }
        let (chance, after) = budgets.register().chances(&names);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        last = Some((chance, after.len()));
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let (chance, landed) = last.ok_or("no runs")?;
    println!(
        "chance of missing the SLO for {} risks, now and after each of {landed} milestones: {median:.1} ms (median of {} runs; target ≤ 200 ms)",
        args.risks, args.runs
    );
    println!(
        "miss probability {:.4}, p50 {:.0}, p90 {:.0}, p99 {:.0} bad minutes, grid {} min",
        chance.miss_probability, chance.p50, chance.p90, chance.p99, chance.step_minutes
    );
    if args.machine {
        for (k, v) in [
            ("risks", args.risks.to_string()),
            ("milestones", landed.to_string()),
            ("chance_ms", format!("{median:.2}")),
            (
                "miss_probability",
                format!("{:.6}", chance.miss_probability),
            ),
            ("step_minutes", chance.step_minutes.to_string()),
        ] {
            println!("RESULT {k}={v}");
        }
    }
    Ok(())
}
