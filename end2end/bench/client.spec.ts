import { type BrowserContext, test } from "@playwright/test";
import { waitForHydration } from "../tests/fixtures";
import { initialLoad, type LoadedFile, member } from "../tests/load";

// Client benchmarks, printed as markdown tables (docs/operations.md holds the measured ones):
//   1. every page's initial load, cold cache: bytes per kind of file, raw and with brotli;
//   2. time to interactive of /o/{slug}/todos, cold cache: navigation start to the moment the
//      toggle of the first todo works (checked by toggling it), unthrottled and on a slow
//      network.
// Run: scripts/bench-client.sh (a release build must be in place).

const RUNS = Number(process.env.TTI_RUNS ?? 7);

const kb = (bytes: number) => (bytes / 1000).toFixed(1);

function row(path: string, files: LoadedFile[]): string {
  const sum = (kind: LoadedFile["kind"] | null, key: "raw" | "br") =>
    files.filter((f) => kind === null || f.kind === kind).reduce((s, f) => s + f[key], 0);
  const cell = (kind: LoadedFile["kind"] | null) => `${kb(sum(kind, "raw"))} / ${kb(sum(kind, "br"))}`;
  const chunks = files.filter((f) => f.kind === "chunk").length;
  return `| \`${path}\` | ${cell("wasm")} | ${cell("chunk")} (${chunks}) | ${cell("js")} | ${cell("css")} | ${cell("html")} | **${kb(sum(null, "br"))}** (${kb(sum(null, "raw"))} raw) |`;
}

test("initial load of every page", async ({ browser }) => {
  const { context: setup, slug, todo } = await member(browser, "bench-sizes");
  const state = await setup.storageState();
  await setup.close();
  const pages: [string, boolean][] = [
    ["/", false],
    ["/sign-in", false],
    ["/sign-up", false],
    ["/forgot-password", false],
    ["/orgs", true],
    ["/account", true],
    ["/account/security", true],
    ["/admin", true],
    [`/o/${slug}`, true],
    [`/o/${slug}/todos`, true],
    [`/o/${slug}/todos/${todo}/edit`, true],
    [`/o/${slug}/team`, true],
    [`/o/${slug}/settings`, true],
    [`/o/${slug}/audit`, true],
  ];
  const lines = [
    "| page | main wasm | page chunks (files) | JS | CSS | HTML | total, brotli |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const [path, signedIn] of pages) {
    const context: BrowserContext = await browser.newContext(signedIn ? { storageState: state } : {});
    const { files } = await initialLoad(context, path);
    lines.push(row(path.replace(slug, "{slug}").replace(todo, "{id}"), files));
    await context.close();
  }
  console.log(`\nkB raw / kB brotli, cold cache\n${lines.join("\n")}\n`);
});

test("time to interactive of the todos page", async ({ browser }) => {
  const { context: setup, slug } = await member(browser, "bench-tti");
  const state = await setup.storageState();
  await setup.close();
  const path = `/o/${slug}/todos`;

  async function once(throttled: boolean): Promise<number> {
    const context = await browser.newContext({ storageState: state });
    const page = await context.newPage();
    // The moment the app marks the document hydrated (every page on screen interactive).
    await page.addInitScript(() => {
      const w = window as unknown as { __interactive?: number };
      new MutationObserver((_, observer) => {
        if (document.documentElement?.dataset.hydrated === "true") {
          w.__interactive = performance.now();
          observer.disconnect();
        }
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
    });
    if (throttled) {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      // A slow mobile connection: 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up.
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
    }
    await page.goto(path, { waitUntil: "commit" });
    await waitForHydration(page);
    const interactive = await page.evaluate(() => (window as unknown as { __interactive: number }).__interactive);
    // It works: the toggle flips in place (no navigation), through the API.
    const toggle = page.getByRole("checkbox", { name: "Done: Water the plants" });
    const before = await toggle.getAttribute("aria-checked");
    const call = page.waitForRequest((r) => r.url().includes("/api/todos/toggle"));
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));
    await toggle.click();
    await call;
    await test.expect(toggle).not.toHaveAttribute("aria-checked", before ?? "");
    test.expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
    await context.close();
    return interactive;
  }

  const lines = ["| network | min | median | max | runs |", "|---|---|---|---|---|"];
  for (const throttled of [false, true]) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) times.push(await once(throttled));
    times.sort((a, b) => a - b);
    const ms = (t: number) => `${Math.round(t)} ms`;
    lines.push(
      `| ${throttled ? "slow (150 ms RTT, 1.6 Mbit/s)" : "loopback"} | ${ms(times[0])} | ${ms(times[Math.floor(times.length / 2)])} | ${ms(times[times.length - 1])} | ${times.length} |`,
    );
  }
  console.log(`\ntime to interactive, ${path.replace(slug, "{slug}")}, cold cache\n${lines.join("\n")}\n`);
});
