import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";

// The server under test: the release build (wasm through wasm-opt, as deployed), started on a
// fresh temporary data directory so every run begins with an empty SQLite database.
const port = Number(process.env.E2E_PORT ?? 3100);
const targetDir = process.env.CARGO_TARGET_DIR ?? "target";
// One data directory per run, shared with the test workers (they inherit the environment), so
// tests can read the mail the server writes to <data dir>/mail.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "saas-e2e-"));
const dataDir = process.env.E2E_DATA_DIR;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: {
    timeout: 10_000,
    // The screenshots (visual.spec.ts) are rendered with the Inter font that setup installs.
    toHaveScreenshot: { maxDiffPixelRatio: 0.01, animations: "disabled", caret: "hide" },
  },
  // The baselines of visual.spec.ts are the pictures of the product in the docs.
  snapshotPathTemplate: "../docs/screenshots/{arg}{ext}",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "javascript", testIgnore: /no-js\.spec\.ts/ },
    { name: "no-javascript", testMatch: /no-js\.spec\.ts/, use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: `"${targetDir}/release/server"`,
    cwd: "..",
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATA_DIR: dataDir,
      RUST_LOG: "warn",
      DATABASE_URL: "",
      REDIS_URL: "",
      SMTP_URL: "",
      // Each test presents its own client address (see fixtures.ts), as a proxy would, so the
      // per-address limits (10 sign-ups an hour) apply per test rather than to the whole run.
      TRUST_PROXY_HEADERS: "true",
      // The administrators of the run: admin.spec.ts and visual.spec.ts sign them up.
      ADMIN_EMAILS: "admin@example.com,visual-admin@example.com",
    },
  },
});
