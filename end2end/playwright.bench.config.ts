import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Client benchmarks (sizes per page, time to interactive): not part of the test suite. They
// run one at a time against the same release server as the tests.
export default defineConfig({
  ...base,
  testDir: "./bench",
  timeout: 600_000,
  fullyParallel: false,
  workers: 1,
  projects: [{ name: "bench" }],
});
