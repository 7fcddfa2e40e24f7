import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
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

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return Buffer.concat([length, body, sum]);
}

/**
 * A PNG picture of `width` × `height` pixels: one colour, or random pixels (`noise`), which do
 * not compress, for an upload large enough to watch.
 */
export function pngImage(width: number, height: number, colour: [number, number, number] | "noise"): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        row[1 + x * 3 + c] = colour === "noise" ? Math.floor(Math.random() * 256) : colour[c];
      }
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.concat(rows))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
