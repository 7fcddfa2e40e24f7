//! Password hashing throughput (a benchmark, not a test):
//! `cargo run --release -p platform --example password_bench [iterations]`.
//!
//! Prints the mean time of one argon2id hash and one verification with the production
//! parameters, and the resulting rate per core.

use std::time::Instant;

use platform::password::{hash_blocking, verify_blocking};

fn main() {
    let iterations: u32 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20);
    let started = Instant::now();
    let mut hash = String::new();
    for _ in 0..iterations {
        hash = hash_blocking("correct horse battery staple").expect("hash");
    }
    let per_hash = started.elapsed() / iterations;

    let started = Instant::now();
    for _ in 0..iterations {
        let verification = verify_blocking("correct horse battery staple", &hash).expect("verify");
        assert!(verification.matches);
    }
    let per_verify = started.elapsed() / iterations;

    println!("argon2id m=19MiB t=2 p=1, {iterations} iterations, one thread");
    println!(
        "hash:   {:>8.2} ms  ({:.1} per second per core)",
        ms(per_hash),
        1000.0 / ms(per_hash)
    );
    println!(
        "verify: {:>8.2} ms  ({:.1} per second per core)",
        ms(per_verify),
        1000.0 / ms(per_verify)
    );
}

fn ms(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
