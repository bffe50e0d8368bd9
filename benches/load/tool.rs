//! Helper of `benches/load/run.sh`:
//!
//! - `load-tool request FILE [BATCH]`: writes the load test's request, `demo/greeter/alice`
//!   with `seen = 41` and BATCH string arguments (default 1: the conformance vector
//!   `a-greeter`, byte for byte);
//! - `load-tool check FILE SEEN`: exits non-zero unless FILE is a `FromFunction` whose only
//!   effect is `seen` MODIFY = SEEN;
//! - `load-tool report RESULTS.jsonl OUT_DIR`: aggregates the runs into `results.csv`,
//!   `results.json`, `table.md` and `chart.svg` (no network, no plotting library);
//! - `load-tool ratio RESULTS.jsonl NUM/DEN...`: for each load, the median of the per-round
//!   ratios of server NUM's CPU time per request to server DEN's, and the ratios sorted.

use std::{collections::BTreeMap, fmt::Write as _, process::ExitCode};

use serde::Deserialize;

#[allow(dead_code)]
#[path = "../common/requests.rs"]
mod requests;

/// One load run as `run.sh` records it.
#[derive(Deserialize)]
struct Run {
    server: String,
    /// Invocations per request.
    #[serde(default = "one")]
    batch: u32,
    connections: u32,
    round: u32,
    requests: u64,
    duration_us: u64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    /// The server's VmHWM after the run, in KiB.
    hwm_kib: u64,
    /// CPU time (user + system) the server used during the run, in µs.
    #[serde(default)]
    cpu_us: u64,
}

/// Aggregated over the rounds of one server at one connection count.
struct Cell {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    hwm_kib: u64,
    /// Median over rounds of statefun's req/s divided by this server's, same round.
    ours_over_this: f64,
    /// Median over rounds of the server's CPU time per request, in µs.
    cpu_per_request_us: f64,
    /// Median over rounds of this server's CPU time per request divided by statefun's,
    /// same round.
    cpu_over_ours: f64,
    rounds: usize,
}

fn one() -> u32 {
    1
}

/// One load: invocations per request and concurrent connections.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Load {
    batch: u32,
    connections: u32,
}

impl Load {
    fn of(run: &Run) -> Self {
        Load {
            batch: run.batch,
            connections: run.connections,
        }
    }

    /// The chart's group label.
    fn label(self) -> String {
        let c = self.connections;
        let conns = format!("{c} connection{}", if c == 1 { "" } else { "s" });
        if self.batch == 1 {
            conns
        } else {
            format!("batch {}, {conns}", self.batch)
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

const OURS: &str = "statefun";

/// The servers in order of appearance, the loads, and the cells.
type Aggregate = (Vec<String>, Vec<Load>, Cells);

/// The aggregated cells by server and load.
type Cells = BTreeMap<(String, Load), Cell>;

fn aggregate(runs: &[Run]) -> Aggregate {
    let mut servers: Vec<String> = Vec::new();
    let mut loads: Vec<Load> = Vec::new();
    for run in runs {
        if !servers.contains(&run.server) {
            servers.push(run.server.clone());
        }
        if !loads.contains(&Load::of(run)) {
            loads.push(Load::of(run));
        }
    }
    loads.sort_unstable();
    let rps = |r: &Run| r.requests as f64 / (r.duration_us as f64 / 1e6);
    let cpu = |r: &Run| r.cpu_us as f64 / r.requests.max(1) as f64;
    let mut cells = BTreeMap::new();
    for server in &servers {
        for &load in &loads {
            let mine: Vec<&Run> = runs
                .iter()
                .filter(|r| &r.server == server && Load::of(r) == load)
                .collect();
            if mine.is_empty() {
                continue;
            }
            let ours_in = |r: &Run| {
                runs.iter()
                    .find(|o| o.server == OURS && Load::of(o) == load && o.round == r.round)
            };
            let ratios = mine
                .iter()
                .filter_map(|r| Some(rps(ours_in(r)?) / rps(r)))
                .collect();
            let cpu_ratios = mine
                .iter()
                .filter_map(|r| Some(cpu(r) / cpu(ours_in(r)?)))
                .collect();
            cells.insert(
                (server.clone(), load),
                Cell {
                    rps: median(mine.iter().map(|r| rps(r)).collect()),
                    p50_us: median(mine.iter().map(|r| r.p50_us).collect()),
                    p99_us: median(mine.iter().map(|r| r.p99_us).collect()),
                    errors: mine.iter().map(|r| r.errors).sum(),
                    hwm_kib: mine.iter().map(|r| r.hwm_kib).max().unwrap_or(0),
                    ours_over_this: median(ratios),
                    cpu_per_request_us: median(mine.iter().map(|r| cpu(r)).collect()),
                    cpu_over_ours: median(cpu_ratios),
                    rounds: mine.len(),
                },
            );
        }
    }
    (servers, loads, cells)
}

fn latency(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

fn report(results: &str, out: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(results).map_err(|e| format!("{results}: {e}"))?;
    let runs: Vec<Run> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{results}: {e}: {l}")))
        .collect::<Result<_, _>>()?;
    if runs.is_empty() {
        return Err(format!("{results}: no runs"));
    }
    let (servers, loads, cells) = aggregate(&runs);

    let mut csv = String::from(
        "server,batch,connections,rounds,requests_per_s,p50_us,p99_us,peak_rss_mib,errors,statefun_over_this,cpu_us_per_request,cpu_over_statefun\n",
    );
    let mut json = Vec::new();
    let mut md = String::from(
        "| server | batch | connections | req/s | p50 | p99 | peak RSS | statefun ÷ this (req/s) | server CPU / request | this ÷ statefun (CPU / request) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for &load in &loads {
        let Load {
            batch,
            connections: c,
        } = load;
        for server in &servers {
            let Some(cell) = cells.get(&(server.clone(), load)) else {
                continue;
            };
            let mib = cell.hwm_kib as f64 / 1024.0;
            let cpu_ratio = cell.cpu_over_ours;
            let _ = writeln!(
                csv,
                "{server},{batch},{c},{},{:.0},{:.0},{:.0},{mib:.1},{},{:.3},{:.2},{cpu_ratio:.3}",
                cell.rounds,
                cell.rps,
                cell.p50_us,
                cell.p99_us,
                cell.errors,
                cell.ours_over_this,
                cell.cpu_per_request_us
            );
            json.push(serde_json::json!({
                "server": server, "batch": batch, "connections": c, "rounds": cell.rounds,
                "requests_per_s": cell.rps, "p50_us": cell.p50_us, "p99_us": cell.p99_us,
                "peak_rss_mib": mib, "errors": cell.errors,
                "statefun_over_this": cell.ours_over_this,
                "cpu_us_per_request": cell.cpu_per_request_us, "cpu_over_statefun": cpu_ratio,
            }));
            let errors = if cell.errors > 0 {
                format!(" ({} errors)", cell.errors)
            } else {
                String::new()
            };
            let _ = writeln!(
                md,
                "| {server} | {batch} | {c} | {:.0}{errors} | {} | {} | {mib:.1} MiB | {} | {:.1} µs | {} |",
                cell.rps,
                latency(cell.p50_us),
                latency(cell.p99_us),
                if server == OURS {
                    "1".to_owned()
                } else {
                    format!("{:.2}×", cell.ours_over_this)
                },
                cell.cpu_per_request_us,
                if server == OURS {
                    "1".to_owned()
                } else {
                    format!("{cpu_ratio:.2}×")
                },
            );
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    let write = |name: &str, text: &str| {
        std::fs::write(format!("{out}/{name}"), text).map_err(|e| format!("{out}/{name}: {e}"))
    };
    write("results.csv", &csv)?;
    write(
        "results.json",
        &serde_json::to_string_pretty(&json).expect("JSON"),
    )?;
    write("table.md", &md)?;
    let rps = |c: &Cell| c.rps;
    let cpu = |c: &Cell| c.cpu_per_request_us;
    let thousands = |v: f64| {
        if v >= 1000.0 {
            format!("{:.0}k", v / 1000.0)
        } else {
            format!("{v:.0}")
        }
    };
    let micros = |v: f64| {
        if v >= 10.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    write(
        "chart.svg",
        &chart(
            "greeter over HTTP: requests per second (log scale, higher is better)",
            (&servers, &loads, &cells),
            rps,
            thousands,
        ),
    )?;
    write(
        "cpu.svg",
        &chart(
            "greeter over HTTP: server CPU µs per request (log scale, lower is better)",
            (&servers, &loads, &cells),
            cpu,
            micros,
        ),
    )?;
    print!("{md}");
    Ok(())
}

const COLORS: [&str; 8] = [
    "#d9480f", "#495057", "#1971c2", "#f08c00", "#2f9e44", "#9c36b5", "#0c8599", "#e64980",
];

/// A grouped bar chart (log scale) of one value per cell, one group per load.
fn chart(
    title: &str,
    (servers, loads, cells): (&[String], &[Load], &Cells),
    value: impl Fn(&Cell) -> f64,
    label: impl Fn(f64) -> String,
) -> String {
    // Room for each bar's label (about 20 px) however many servers and loads there are.
    let bars = (loads.len() * servers.len()) as f64;
    let (width, height) = ((240.0 + 22.0 * bars).max(860.0), 440.0);
    let (left, right, top, bottom) = (70.0, 170.0, 40.0, 50.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let values: Vec<f64> = cells.values().map(&value).filter(|v| *v > 0.0).collect();
    let lo = values
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1.0);
    let hi = values.iter().copied().fold(1.0, f64::max);
    let (lo_exp, hi_exp) = (
        lo.log10().floor(),
        hi.log10().ceil().max(lo.log10().floor() + 1.0),
    );
    let y = |v: f64| top + plot_h * (1.0 - (v.max(0.1).log10() - lo_exp) / (hi_exp - lo_exp));

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">{title}</text>"#,
        left + plot_w / 2.0
    );
    let mut exp = lo_exp;
    while exp <= hi_exp {
        let v = 10f64.powf(exp);
        let yy = y(v);
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#dee2e6"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            left + plot_w,
            left - 6.0,
            yy + 4.0,
            label(v)
        );
        exp += 1.0;
    }
    let group_w = plot_w / loads.len() as f64;
    let bar_w = (group_w * 0.8) / servers.len() as f64;
    for (g, &load) in loads.iter().enumerate() {
        let x0 = left + group_w * g as f64 + group_w * 0.1;
        for (s, server) in servers.iter().enumerate() {
            let Some(cell) = cells.get(&(server.clone(), load)) else {
                continue;
            };
            let x = x0 + bar_w * s as f64;
            let v = value(cell);
            if !v.is_finite() || v <= 0.0 {
                continue;
            }
            let yy = y(v);
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{yy:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{server}, {}: {}</title></rect>"#,
                bar_w - 2.0,
                top + plot_h - yy,
                COLORS[s % COLORS.len()],
                load.label(),
                label(v)
            );
            let label = label(v);
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{label}</text>"#,
                x + (bar_w - 2.0) / 2.0,
                yy - 3.0
            );
        }
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + group_w * (g as f64 + 0.5),
            top + plot_h + 20.0,
            load.label()
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{left}" x2="{left}" y1="{top}" y2="{}" stroke="#495057"/><line x1="{left}" x2="{}" y1="{}" y2="{}" stroke="#495057"/>"##,
        top + plot_h,
        left + plot_w,
        top + plot_h,
        top + plot_h
    );
    for (s, server) in servers.iter().enumerate() {
        let yy = top + 10.0 + 22.0 * s as f64;
        let x = left + plot_w + 20.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{x}" y="{yy}" width="14" height="14" fill="{}"/><text x="{}" y="{}">{server}</text>"#,
            COLORS[s % COLORS.len()],
            x + 20.0,
            yy + 11.0
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The CPU time per request of each pair `NUM/DEN` of `pairs`, divided, round by round.
fn ratio(results: &str, pairs: &[&str]) -> Result<(), String> {
    let text = std::fs::read_to_string(results).map_err(|e| format!("{results}: {e}"))?;
    let runs: Vec<Run> = text
        .lines()
        .map(|line| serde_json::from_str(line).map_err(|e| format!("{e}: {line}")))
        .collect::<Result<_, _>>()?;
    let cpu = |r: &Run| r.cpu_us as f64 / r.requests.max(1) as f64;
    let mut loads: Vec<Load> = runs.iter().map(Load::of).collect();
    loads.sort_unstable();
    loads.dedup();
    for pair in pairs {
        let (num, den) = pair
            .split_once('/')
            .ok_or_else(|| format!("{pair}: not NUM/DEN"))?;
        for &load in &loads {
            let mut ratios: Vec<f64> = runs
                .iter()
                .filter(|r| r.server == num && Load::of(r) == load)
                .filter_map(|r| {
                    let other = runs
                        .iter()
                        .find(|o| o.server == den && Load::of(o) == load && o.round == r.round)?;
                    Some(cpu(r) / cpu(other))
                })
                .collect();
            if ratios.is_empty() {
                continue;
            }
            ratios.sort_by(f64::total_cmp);
            let sorted: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
            println!(
                "{num} / {den}, batch {}, {} connections: CPU per request {:.3}x (median of {} rounds: {})",
                load.batch,
                load.connections,
                median(ratios.clone()),
                ratios.len(),
                sorted.join(" ")
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["request", file] => {
            std::fs::write(file, requests::greeter(1)).map_err(|e| format!("{file}: {e}"))
        }
        ["request", file, batch] => batch
            .parse()
            .map_err(|e| format!("{batch}: {e}"))
            .and_then(|batch| {
                std::fs::write(file, requests::greeter(batch)).map_err(|e| format!("{file}: {e}"))
            }),
        ["check", file, seen] => (|| {
            let expected: i32 = seen.parse().map_err(|e| format!("{seen}: {e}"))?;
            let answer = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
            let got = requests::answered_seen(&answer)?;
            if got == expected {
                Ok(())
            } else {
                Err(format!("seen MODIFY is {got}, expected {expected}"))
            }
        })(),
        ["report", results, out] => report(results, out),
        ["ratio", results, ref pairs @ ..] if !pairs.is_empty() => ratio(results, pairs),
        _ => Err(
            "usage: load-tool request FILE [BATCH] | check FILE SEEN | report RESULTS.jsonl OUT_DIR | ratio RESULTS.jsonl NUM/DEN..."
                .to_owned(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load-tool: {e}");
            ExitCode::FAILURE
        }
    }
}
