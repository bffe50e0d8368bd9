//! Driving the service for the soak test's duration, and what it counts.

use super::*;

pub(crate) fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Kills the service when the driver ends; if the driver is killed instead, the service
/// sees its stdin close and exits.
pub(crate) struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Default)]
pub(crate) struct Tally {
    by_kind: BTreeMap<Kind, (u64, u64)>,
    examples: Vec<String>,
}

pub(crate) fn drive() -> ExitCode {
    let seconds = env("SOAK_SECONDS", 180);
    let warmup = env("SOAK_WARMUP", 30);
    let clients = env("SOAK_CLIENTS", 4);
    let sample = env("SOAK_SAMPLE", 5).max(1);
    // SOAK_KINDS=Valid,Timeout: only these kinds (for finding what a problem comes from).
    let mix: Vec<(Kind, u32)> = match std::env::var("SOAK_KINDS") {
        Ok(kinds) => MIX
            .into_iter()
            .filter(|(k, _)| kinds.split(',').any(|n| n.trim() == format!("{k:?}")))
            .collect(),
        Err(_) => MIX.to_vec(),
    };
    assert!(!mix.is_empty(), "SOAK_KINDS names no kind of {MIX:?}");

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["serve", &port.to_string()])
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "off".to_owned()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the service");
    let pid = child.id();
    let _service = Service(child);
    let url = format!("http://127.0.0.1:{port}/statefun");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let started = Instant::now();
    while agent.get(&url).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!(
        "soak: service pid {pid} on {url}; {clients} clients, {warmup} s warm-up, {seconds} s measured"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    // The first half of the warm-up sends only bodies over the limit (if the mix has them):
    // the allocator's footprint for those large buffers settles within seconds alone, but
    // takes minutes at their share of the mix.
    let big_first = Arc::new(AtomicBool::new(mix.iter().any(|m| m.0 == Kind::OverLimit)));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (stop, measuring, big_first, tally, url, mix) = (
                stop.clone(),
                measuring.clone(),
                big_first.clone(),
                tally.clone(),
                url.clone(),
                mix.clone(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                let mut rng =
                    Rng(0x9e37_79b9_7f4a_7c15 ^ (c + 1).wrapping_mul(0x1234_5678_9abc_def1));
                let mut local: BTreeMap<Kind, (u64, u64)> = BTreeMap::new();
                let mut examples = Vec::new();
                let mut was_measuring = false;
                let mut previous = None;
                while !stop.load(Ordering::Relaxed) {
                    let now_measuring = measuring.load(Ordering::Relaxed);
                    if now_measuring && !was_measuring {
                        local.clear(); // count the measured period only
                        was_measuring = true;
                    }
                    let kind = if big_first.load(Ordering::Relaxed) {
                        Kind::OverLimit
                    } else {
                        rng.kind(&mix)
                    };
                    let outcome = exchange(&agent, &url, kind, &mut rng);
                    let after = previous.replace(kind);
                    let entry = local.entry(kind).or_default();
                    entry.0 += 1;
                    if let Err(why) = outcome {
                        entry.1 += 1;
                        if examples.len() < 5 {
                            examples.push(format!("{kind:?} (after {after:?}): {why}"));
                        }
                    }
                }
                let mut tally = tally.lock().unwrap();
                for (kind, (n, bad)) in local {
                    let entry = tally.by_kind.entry(kind).or_default();
                    entry.0 += n;
                    entry.1 += bad;
                }
                tally.examples.extend(examples);
            })
        })
        .collect();

    std::thread::sleep(Duration::from_secs(warmup / 2));
    big_first.store(false, Ordering::Relaxed);
    std::thread::sleep(Duration::from_secs(warmup - warmup / 2));
    measuring.store(true, Ordering::Relaxed);
    let measured_from = Instant::now();
    let mut samples = vec![(0u64, rss_kib(pid).unwrap_or(0))];
    while measured_from.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(
            Duration::from_secs(sample)
                .min(Duration::from_secs(seconds).saturating_sub(measured_from.elapsed())),
        );
        samples.push((measured_from.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
    }
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = measured_from.elapsed().as_secs_f64();
    let alive = rss_kib(pid).is_some();

    let tally = tally.lock().unwrap();
    let total: u64 = tally.by_kind.values().map(|v| v.0).sum();
    let unexpected: u64 = tally.by_kind.values().map(|v| v.1).sum();
    // Start and end are medians of three samples: RSS moves by a few hundred KiB as the
    // allocator takes and returns memory, which is noise at this size.
    let median3 = |s: &[(u64, u64)]| {
        let mut v: Vec<u64> = s.iter().map(|s| s.1).collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    let start = median3(&samples[..samples.len().min(3)]);
    let end = median3(&samples[samples.len().saturating_sub(3)..]);
    let max = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let growth = if start > 0 {
        (end as f64 - start as f64) / start as f64 * 100.0
    } else {
        f64::NAN
    };

    println!(
        "## Soak: {seconds} s after {warmup} s warm-up, {clients} clients ({})",
        std::env::consts::ARCH
    );
    println!();
    println!("| kind | requests | unexpected answers |");
    println!("|---|---:|---:|");
    for (kind, (n, bad)) in &tally.by_kind {
        println!("| {kind:?} | {n} | {bad} |");
    }
    println!("| **total** | **{total}** | **{unexpected}** |");
    println!();
    println!(
        "- throughput: {:.0} requests/s over {elapsed:.0} s",
        total as f64 / elapsed
    );
    println!(
        "- service RSS (median of the first and of the last three samples): {start} KiB after warm-up, {end} KiB at the end ({growth:+.1}%), max {max} KiB"
    );
    println!(
        "- RSS samples (s: KiB): {}",
        samples
            .iter()
            .map(|(t, r)| format!("{t}: {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "- service alive at the end: {}",
        if alive { "yes" } else { "NO" }
    );
    for example in &tally.examples {
        println!("- unexpected: {example}");
    }
    if unexpected == 0 && alive && growth < 10.0 {
        println!("\nresult: PASS (zero unexpected answers, RSS growth under 10%)");
        ExitCode::SUCCESS
    } else {
        println!("\nresult: FAIL");
        ExitCode::FAILURE
    }
}
