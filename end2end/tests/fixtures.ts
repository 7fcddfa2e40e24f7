import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type APIRequestContext, test as base, expect, type Page } from "@playwright/test";

export { expect };

/**
 * The test runner with one client address per test (sent as `X-Forwarded-For`, which the
 * server under test trusts): per-address rate limits then count per test, as for real users.
 */
export const test = base.extend({
  extraHTTPHeaders: async ({}, use, testInfo) => {
    const n =
      testInfo.workerIndex * 10_000 +
      testInfo.repeatEachIndex * 1_000 +
      Math.floor(Math.random() * 1_000);
    await use({ "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` });
  },
});

/** Collects console errors and uncaught exceptions (CSP violations, hydration panics). */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Waits until the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/**
 * Opens the header menu that holds the language and theme pickers: the account menu of a
 * signed-in person, the preferences menu of a visitor. Both are `<details>` menus, so this
 * works without JavaScript too.
 */
export async function openHeaderMenu(page: Page): Promise<void> {
  const button = page.getByTestId("account-menu").or(page.getByTestId("preferences-menu"));
  const menu = page.locator("details.account-menu, details.preferences-menu");
  // The account menu is drawn again (closed) when the signed-in person's data arrives, which
  // can be just after a click that opened it: open it until it stays open.
  await expect(async () => {
    if ((await menu.getAttribute("open")) === null) await button.click();
    await expect(menu).toHaveAttribute("open", "", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}

/** Signs out through the account menu. */
export async function signOut(page: Page): Promise<void> {
  // The menu may be drawn again, closed, between opening it and the click: then again.
  await expect(async () => {
    await openHeaderMenu(page);
    await page.getByRole("button", { name: "Sign out" }).click({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

/** A fresh, unique address for one test. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Decodes quoted-printable soft breaks and escapes (lettre encodes long lines so). */
function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === "=" && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export interface Mail {
  to: string;
  subject: string;
  body: string;
}

function readMails(): Mail[] {
  const dir = join(process.env.E2E_DATA_DIR ?? "", "mail");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".eml"))
    .map((name) => join(dir, name))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((path) => {
      const raw = readFileSync(path, "utf8");
      const header = (name: string) =>
        raw.match(new RegExp(`^${name}: (.*)$`, "mi"))?.[1]?.trim() ?? "";
      return { to: header("To"), subject: header("Subject"), body: decodeQuotedPrintable(raw) };
    });
}

/** Waits for the `count`-th mail to `to` and returns it. */
export async function waitForMail(to: string, count = 1): Promise<Mail> {
  let found: Mail[] = [];
  await expect
    .poll(() => {
      found = readMails().filter((mail) => mail.to.includes(to));
      return found.length;
    }, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(count);
  return found[count - 1];
}

/** The first link in `mail` to `path`, made relative so it works on any base URL. */
export function linkIn(mail: Mail, path: string): string {
  const match = mail.body.match(new RegExp(`https?://[^\\s"<>]+${path}\\?[^\\s"<>]+`));
  if (!match) throw new Error(`no ${path} link in: ${mail.body}`);
  const url = new URL(match[0].replace(/&amp;/g, "&"));
  return url.pathname + url.search;
}

/** Creates an account through the API (no browser), for tests about other flows. */
export async function createAccount(request: APIRequestContext, email: string, password: string) {
  const response = await request.post("/api/auth/sign-up", {
    form: { name: "Test User", email, password },
    headers: { accept: "application/json" },
  });
  expect(response.status()).toBe(200);
}

/** Opens a checkout of `plan` for organization `org` with the local provider; answers its id. */
export async function checkoutSession(
  request: APIRequestContext,
  org: string,
  plan = "pro",
  extra: Record<string, string> = {},
): Promise<string> {
  const started = await request.post("/api/billing/checkout", {
    form: { org, plan, interval: "monthly", ...extra },
    headers: { accept: "application/json" },
  });
  expect(started.status()).toBe(200);
  const url = (await started.json()).url as string;
  return url.split("/").pop() ?? "";
}

/**
 * Puts organization `org` on `plan` through the local provider's checkout (the card that
 * pays), for tests that need more than the free plan's 10 todos or 2 members.
 */
export async function subscribe(request: APIRequestContext, org: string, plan = "business") {
  const session = await checkoutSession(request, org, plan);
  const paid = await request.post("/api/billing/local/pay", {
    form: { session, card: "4242424242424242" },
    headers: { accept: "application/json" },
  });
  expect(paid.status()).toBe(200);
  expect((await paid.json()).status).toBe("complete");
}
