import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Page } from "@playwright/test";
import { accessibilityProblems } from "./a11y";
import { checkoutSession, expect, test, waitForHydration } from "./fixtures";
import { describeLoad, initialLoad, member } from "./load";

/** The initial-load budgets (bytes on the wire with `Accept-Encoding: br`), by page. */
const BUDGET: Record<string, number> = JSON.parse(
  readFileSync(join(__dirname, "..", "size-budget.json"), "utf8"),
).pages;

test.describe("a page costs only what it shows", () => {
  test("the first load of /sign-in stays within its budget", async ({ browser }) => {
    const context = await browser.newContext();
    const { files, total } = await initialLoad(context, "/sign-in");
    console.log(describeLoad("/sign-in", files, total));
    // Every compressible file of the load comes compressed; the page's own chunk is among them.
    for (const file of files) expect(file.encoding, file.path).toBe("br");
    expect(files.some((file) => /split_public\./.test(file.path))).toBe(true);
    expect(files.some((file) => /split_todos\./.test(file.path))).toBe(false);
    expect(total).toBeLessThanOrEqual(BUDGET["/sign-in"]);
    await context.close();
  });

  test("the first load of an organization's todos stays within its budget", async ({ browser }) => {
    const { context, slug } = await member(browser, "budget");
    const { page, files, total } = await initialLoad(context, `/o/${slug}/todos`);
    console.log(describeLoad("/o/{slug}/todos", files, total));
    for (const file of files) expect(file.encoding, file.path).toBe("br");
    expect(files.some((file) => /split_todos\./.test(file.path))).toBe(true);
    expect(files.some((file) => /split_admin\./.test(file.path))).toBe(false);
    await expect(page.getByRole("checkbox", { name: "Done: Water the plants" })).toBeVisible();
    expect(total).toBeLessThanOrEqual(BUDGET["/o/{slug}/todos"]);
    await context.close();
  });

  test("a second visit takes every wasm, JS and CSS file from the cache", async ({ browser }) => {
    const { context, slug } = await member(browser, "cache");
    const page = await context.newPage();
    await page.goto(`/o/${slug}/todos`);
    await waitForHydration(page);

    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const assets = new Map<string, string>();
    const cached = new Set<string>();
    const fromNetwork = new Map<string, number>();
    cdp.on("Network.requestWillBeSent", (event) => {
      if (new URL(event.request.url).pathname.startsWith("/pkg/")) assets.set(event.requestId, event.request.url);
    });
    cdp.on("Network.requestServedFromCache", (event) => cached.add(event.requestId));
    cdp.on("Network.responseReceived", (event) => {
      if (event.response.fromDiskCache || event.response.fromPrefetchCache) cached.add(event.requestId);
    });
    cdp.on("Network.loadingFinished", (event) => fromNetwork.set(event.requestId, event.encodedDataLength));

    await page.goto(`/o/${slug}/todos`);
    await waitForHydration(page);
    await expect(page.getByRole("checkbox", { name: "Done: Water the plants" })).toBeVisible();
    // The main wasm, its JS, the CSS and the page's chunks were all asked for again…
    const urls = [...assets.values()];
    expect(urls.some((url) => url.endsWith(".wasm"))).toBe(true);
    expect(urls.some((url) => url.endsWith(".js"))).toBe(true);
    expect(urls.some((url) => url.endsWith(".css"))).toBe(true);
    // …and none of them came over the network.
    for (const [id, url] of assets) {
      expect(cached.has(id), `${url} from the cache`).toBe(true);
    }
    await context.close();
  });

  test("client files are immutable and precompressed; pages and API answers are not stored", async ({
    page,
    request,
  }) => {
    const html = await request.get("/sign-in");
    expect(html.headers()["cache-control"]).toBe("no-store");
    const api = await request.get("/api/auth/me", { headers: { accept: "application/json" } });
    expect(api.headers()["cache-control"]).toBe("no-store");

    await page.goto("/sign-in");
    const wasm = await page.locator('link[rel="preload"][href$=".wasm"]').first().getAttribute("href");
    const css = await page.locator('link[rel="stylesheet"]').first().getAttribute("href");
    expect(wasm).toMatch(/^\/pkg\/saas\.[A-Za-z0-9_-]{22}\.wasm$/);
    expect(css).toMatch(/^\/pkg\/saas\.[A-Za-z0-9_-]{22}\.css$/);
    for (const [encoding, expected] of [["br", "br"], ["gzip", "gzip"], ["identity", undefined]]) {
      const response = await request.get(wasm!, { headers: { "accept-encoding": encoding! } });
      expect(response.status()).toBe(200);
      expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(response.headers()["content-encoding"]).toBe(expected);
      expect(response.headers()["content-type"]).toBe("application/wasm");
    }
    // A file that is not there is not cached (a later deployment may bring it).
    const missing = await request.get("/pkg/saas.AAAAAAAAAAAAAAAAAAAAAA.wasm");
    expect(missing.status()).toBe(404);
    expect(missing.headers()["cache-control"]).toBe("no-store");
  });
});

/** Every route, each opened once in a cold browser, with no error of any kind. */
test.describe("every route loads cleanly on its own", () => {
  const visitor = [
    "/",
    "/sign-up",
    "/sign-in",
    "/sign-in/link",
    "/sign-in/code",
    "/check-email",
    "/verify-email",
    "/magic-link",
    "/forgot-password",
    "/reset-password",
    "/invitations/accept",
    "/confirm-email",
  ];
  const signedIn = (slug: string, todo: string, session: string) => [
    "/orgs",
    "/account",
    "/account/security",
    "/admin",
    "/admin/orgs",
    `/o/${slug}`,
    `/o/${slug}/todos`,
    `/o/${slug}/todos/${todo}/edit`,
    `/o/${slug}/team`,
    `/o/${slug}/settings`,
    `/o/${slug}/audit`,
    `/o/${slug}/billing`,
    `/billing/checkout/${session}`,
  ];

  /**
   * What is wrong with the hydrated page's structure: an id used twice (a label would focus
   * the other field), not exactly one `<h1>`, a navigation with more than one current link;
   * and on a phone's width (390 px) a page that scrolls sideways, a table header that wraps or
   * a header taller than one row.
   */
  async function structure(page: Page): Promise<string[]> {
    await page.setViewportSize({ width: 390, height: 844 });
    return page.evaluate(() => {
      const problems: string[] = [];
      const width = document.documentElement.scrollWidth;
      if (width > window.innerWidth) {
        // Name the outermost elements that stick out (not inside a box that scrolls).
        const out = [...document.querySelectorAll("body *")].filter((element) => {
          const rect = element.getBoundingClientRect();
          const parent = element.parentElement?.getBoundingClientRect();
          return rect.right > window.innerWidth + 1 && (!parent || parent.right <= window.innerWidth + 1);
        });
        const names = out.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
        problems.push(`${width} px wide at ${window.innerWidth} px: ${names.join(", ")}`);
      }
      for (const th of document.querySelectorAll("th")) {
        const range = document.createRange();
        range.selectNodeContents(th);
        const tops = [...range.getClientRects()].filter((r) => r.width > 1).map((r) => r.top);
        const line = parseFloat(getComputedStyle(th).lineHeight) || 16;
        if (tops.length > 0 && Math.max(...tops) - Math.min(...tops) > line / 2) {
          problems.push(`header "${th.textContent?.trim()}" wraps`);
        }
      }
      const seen = new Map<string, number>();
      for (const element of document.querySelectorAll("[id]")) {
        seen.set(element.id, (seen.get(element.id) ?? 0) + 1);
      }
      for (const [id, count] of seen) {
        if (count > 1) problems.push(`id "${id}" used ${count} times`);
      }
      // One row of header on a phone, so the page starts on the first screen.
      const header = document.querySelector(".site-header")?.getBoundingClientRect().height ?? 0;
      if (header > 64) problems.push(`the header is ${Math.round(header)} px tall`);
      const headings = document.querySelectorAll("h1").length;
      if (headings !== 1) problems.push(`${headings} <h1> elements`);
      for (const nav of document.querySelectorAll("nav")) {
        const current = nav.querySelectorAll(':scope a[aria-current="page"]').length;
        if (current > 1) {
          problems.push(`${current} current links in "${nav.getAttribute("aria-label")}"`);
        }
      }
      return problems;
    });
  }

  /** Opens `path` in a new page of `context` and answers what went wrong. */
  async function visit(context: BrowserContext, path: string): Promise<string[]> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" || /hydrat/i.test(message.text())) {
        problems.push(`${path}: console ${message.type()}: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`${path}: ${error.message}`));
    page.on("requestfailed", (request) => problems.push(`${path}: failed ${request.url()}`));
    page.on("response", (response) => {
      if (response.request().resourceType() !== "document" && response.status() >= 400) {
        problems.push(`${path}: ${response.status()} ${response.url()}`);
      }
    });
    const response = await page.goto(path);
    expect(response?.status(), path).toBeLessThan(400);
    await waitForHydration(page);
    await expect(page.getByRole("main")).not.toBeEmpty();
    problems.push(...(await structure(page)).map((problem) => `${path}: ${problem}`));
    problems.push(...(await accessibilityProblems(page)).map((problem) => `${path}: ${problem}`));
    await page.close();
    return problems;
  }

  // One test per route: each has the whole test timeout to itself, and a failure names its page.
  for (const path of visitor) {
    test(`as a visitor: ${path}`, async ({ browser }) => {
      const context = await browser.newContext();
      const problems = await visit(context, path);
      await context.close();
      expect(problems).toEqual([]);
    });
  }

  for (const [index, label] of signedIn("{org}", "{todo}", "{session}").entries()) {
    test(`as a member of an organization: ${label}`, async ({ browser }) => {
      const { context: setup, slug, org, todo } = await member(browser, "routes");
      const session = label.includes("{session}") ? await checkoutSession(setup.request, org) : "";
      const state = await setup.storageState();
      await setup.close();
      // A cold cache for the page, with the member's session.
      const context = await browser.newContext({ storageState: state });
      const problems = await visit(context, signedIn(slug, todo, session)[index]);
      await context.close();
      expect(problems).toEqual([]);
    });
  }

  test("an unknown page answers 404 and still hydrates", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  });
});

test.describe("a chunk that fails to load", () => {
  test("on client navigation shows the error panel, and reloading recovers", async ({ browser }) => {
    const { context, slug } = await member(browser, "chunk");
    const page = await context.newPage();
    await page.goto(`/o/${slug}`);
    await waitForHydration(page);
    // A deployment replaced the files: the todos pages' chunk is gone.
    await page.route(/\/pkg\/split_todos\.[^/]*\.wasm$/, (route) => route.fulfill({ status: 404 }));
    await page.getByRole("link", { name: "Todos" }).click();
    const panel = page.getByTestId("page-load-error");
    await expect(panel).toBeVisible();
    await expect(panel).toContainText("This page could not be loaded");
    await expect(page).toHaveURL(new RegExp(`/o/${slug}/todos$`));

    // Other pages still work, and the panel goes away on them.
    await page.getByRole("link", { name: "Team" }).click();
    await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
    await expect(panel).toBeHidden();

    // Back on the todos page with the files restored, the reload button brings it back.
    await page.getByRole("link", { name: "Todos" }).click();
    await expect(panel).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/o/${slug}/todos$`));
    await page.unrouteAll();
    await panel.getByRole("button", { name: "Reload" }).click();
    await waitForHydration(page);
    await expect(page.getByRole("checkbox", { name: "Done: Water the plants" })).toBeVisible();
    await expect(panel).toBeHidden();
    await context.close();
  });

  test("on the first load keeps the server's page and shows the panel", async ({ browser }) => {
    const { context, slug } = await member(browser, "chunk-first");
    const page = await context.newPage();
    await page.route(/\/pkg\/split_todos\.[^/]*\.wasm$/, (route) => route.abort("failed"));
    await page.goto(`/o/${slug}/todos`);
    await waitForHydration(page);
    const panel = page.getByTestId("page-load-error");
    await expect(panel).toBeVisible();
    await expect(panel.getByRole("button", { name: "Reload" })).toBeVisible();
    // The server-rendered list is still there to read.
    await expect(page.getByText("Water the plants")).toBeVisible();
    // The rest of the app still navigates.
    await page.getByRole("link", { name: "Overview" }).click();
    await expect(page).toHaveURL(new RegExp(`/o/${slug}$`));
    await expect(panel).toBeHidden();
    await expect(page.getByText("Water the plants")).toBeHidden();
    await context.close();
  });
});

test("a page hydrates in Spanish with the compiled translations", async ({ page }) => {
  await page.context().addCookies([
    { name: "lang", value: "es", url: test.info().project.use.baseURL! },
  ]);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || /hydrat/i.test(message.text())) errors.push(message.text());
  });
  await page.goto("/sign-in");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Iniciar sesión");
  // Client-side navigation renders with the browser's tables.
  await page.getByRole("link", { name: "¿Olvidaste tu contraseña?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Iniciar sesión");
  expect(errors).toEqual([]);
});

