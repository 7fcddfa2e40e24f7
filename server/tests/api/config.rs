//! Start-up configuration errors stop the binary with a message naming the variable.

use std::process::Command;

fn start_with(vars: &[(&str, &str)]) -> (bool, String) {
    let data = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env("DATA_DIR", data.path())
        .env("PORT", "0")
        // The test binary has no built client beside it.
        .env("LEPTOS_HASH_FILES", "false")
        .envs(vars.iter().copied())
        .output()
        .expect("the server binary runs");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn wrong_values_stop_the_server_and_name_the_variable() {
    let cases = [
        ("DATABASE_URL", "mysql://localhost/app"),
        ("REDIS_URL", "http://localhost"),
        ("PORT", "eighty"),
        ("LOG_FORMAT", "xml"),
        ("DEFAULT_LOCALE", "fr"),
        ("DATABASE_POOL_SIZE", "0"),
    ];
    for (name, value) in cases {
        let (success, stderr) = start_with(&[(name, value)]);
        assert!(!success, "{name}={value} must not start");
        assert!(stderr.contains(name), "{name}={value}: {stderr}");
        assert!(stderr.starts_with("error: invalid configuration"), "{stderr}");
    }
}

#[test]
fn half_of_the_stripe_pair_stops_the_server_naming_the_missing_one() {
    let (success, stderr) = start_with(&[("STRIPE_SECRET_KEY", "sk_test_123")]);
    assert!(!success, "{stderr}");
    assert!(stderr.contains("SYS_CONFIG_ERROR"), "{stderr}");
    assert!(stderr.contains("STRIPE_WEBHOOK_SECRET: must be set"), "{stderr}");
    assert!(!stderr.contains("sk_test_123"), "the key is never printed: {stderr}");
}

#[test]
fn an_unreachable_redis_stops_the_server_at_start_up() {
    let (success, stderr) = start_with(&[("REDIS_URL", "redis://127.0.0.1:1")]);
    assert!(!success);
    assert!(stderr.contains("REDIS_URL"), "{stderr}");
}

#[test]
fn hashed_client_files_without_their_list_stop_the_server_at_start_up() {
    // Every page would fail to name its wasm: better not to start at all.
    let (success, stderr) =
        start_with(&[("LEPTOS_HASH_FILES", "true"), ("LEPTOS_HASH_FILE", "no-such-hash-list.txt")]);
    assert!(!success, "{stderr}");
    assert!(stderr.contains("LEPTOS_HASH_FILES"), "{stderr}");
    assert!(stderr.contains("no-such-hash-list.txt does not exist"), "{stderr}");
}
