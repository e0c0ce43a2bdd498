//! Start-up time and request latency of the in-process emulator.
//!
//! `cargo run --release -p clerk-emulator --example emulator_bench`

use std::time::{Duration, Instant};

use clerk_emulator::{Emulator, EmulatorConfig, Seed};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn fmt(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Building the demo data alone, median of 20.
    let mut seeds = Vec::with_capacity(20);
    for _ in 0..20 {
        let t = Instant::now();
        let state = Seed::Demo.load()?;
        seeds.push(t.elapsed());
        assert_eq!(state.users.len(), 50);
    }
    seeds.sort();
    println!(
        "demo seed build, 20 runs: median {}",
        fmt(percentile(&seeds, 0.5))
    );

    // Start-up (demo seed + bind + spawn), median of 20.
    let mut starts = Vec::with_capacity(20);
    for _ in 0..20 {
        let t = Instant::now();
        let e = Emulator::start(EmulatorConfig::default().with_seed(Seed::Demo)).await?;
        starts.push(t.elapsed());
        e.shutdown().await;
    }
    starts.sort();
    println!(
        "start (demo seed), 20 runs: median {}  min {}  max {}",
        fmt(percentile(&starts, 0.5)),
        fmt(starts[0]),
        fmt(starts[starts.len() - 1])
    );

    let emulator = Emulator::start(EmulatorConfig::default().with_seed(Seed::Demo)).await?;
    let user_id = emulator
        .snapshot()
        .users
        .keys()
        .next()
        .cloned()
        .expect("demo users");
    // reqwest is built with rustls and no bundled crypto provider: install `ring` first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let url = format!("{}/v1/users/{user_id}", emulator.url());
    let auth = format!("Bearer {}", emulator.secret_key());

    // Warm up the keep-alive connection.
    for _ in 0..50 {
        client
            .get(&url)
            .header("Authorization", &auth)
            .send()
            .await?
            .bytes()
            .await?;
    }
    let mut lat = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let t = Instant::now();
        let resp = client
            .get(&url)
            .header("Authorization", &auth)
            .send()
            .await?;
        assert!(resp.status().is_success());
        resp.bytes().await?;
        lat.push(t.elapsed());
    }
    lat.sort();
    let total: Duration = lat.iter().sum();
    println!(
        "GET /v1/users/{{id}}, 1000 requests, one keep-alive client: median {}  p90 {}  p99 {}  max {}  ({:.0} req/s sequential)",
        fmt(percentile(&lat, 0.5)),
        fmt(percentile(&lat, 0.9)),
        fmt(percentile(&lat, 0.99)),
        fmt(lat[lat.len() - 1]),
        1000.0 / total.as_secs_f64()
    );
    emulator.shutdown().await;
    Ok(())
}
