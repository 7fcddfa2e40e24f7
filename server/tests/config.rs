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
fn an_unreachable_redis_stops_the_server_at_start_up() {
    let (success, stderr) = start_with(&[("REDIS_URL", "redis://127.0.0.1:1")]);
    assert!(!success);
    assert!(stderr.contains("REDIS_URL"), "{stderr}");
}
