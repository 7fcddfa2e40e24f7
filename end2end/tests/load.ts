import { request as httpRequest } from "node:http";
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Request,
} from "@playwright/test";
import { expect, uniqueEmail, waitForHydration } from "./fixtures";

const PASSWORD = "correct horse battery";

/** A new context signed in as a new member of a new organization holding one todo. */
export async function member(browser: Browser, label: string) {
  const n = Math.floor(Math.random() * 60_000);
  const context = await browser.newContext({
    // Its own client address, so the per-address sign-up limit is never the one of a test.
    extraHTTPHeaders: { "x-forwarded-for": `10.250.${n >> 8}.${n & 255}` },
  });
  await signUp(context.request, uniqueEmail(label));
  const slug = `${label}-${Date.now()}-${Math.floor(Math.random() * 1e4)}`;
  const created = await context.request.post("/api/orgs/create", {
    form: { name: "Load Co", slug },
    headers: { accept: "application/json" },
  });
  expect(created.status()).toBe(200);
  const org = (await created.json()).id as string;
  const todo = await context.request.post("/api/todos/create", {
    form: { org, title: "Water the plants" },
    headers: { accept: "application/json" },
  });
  expect(todo.status()).toBe(200);
  return { context, slug, org, todo: (await todo.json()).id as string };
}

async function signUp(request: APIRequestContext, email: string) {
  const response = await request.post("/api/auth/sign-up", {
    form: { name: "Load Tester", email, password: PASSWORD },
    headers: { accept: "application/json" },
  });
  expect(response.status()).toBe(200);
}

/** The body of `url` as sent for `Accept-Encoding: encoding`, in bytes (not decoded). */
export function bodyBytes(
  url: string,
  cookie: string,
  encoding: "br" | "identity",
): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { "accept-encoding": encoding, cookie } }, (response) => {
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () =>
        resolve({ bytes, encoding: String(response.headers["content-encoding"] ?? "identity") }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** One file of a page's initial load. */
export interface LoadedFile {
  path: string;
  kind: "html" | "js" | "css" | "wasm" | "chunk";
  /** Bytes with `Accept-Encoding: br`. */
  br: number;
  /** Uncompressed bytes. */
  raw: number;
  /** The encoding the server chose for `br`. */
  encoding: string;
}

function kindOf(request: Request): LoadedFile["kind"] {
  const path = new URL(request.url()).pathname;
  if (request.resourceType() === "document") return "html";
  if (path.endsWith(".css")) return "css";
  if (path.endsWith(".js")) return "js";
  return /^\/pkg\/saas[._]/.test(path) ? "wasm" : "chunk";
}

/**
 * Opens `path` in a new page of `context` (cold unless the context has been used) and answers
 * every request of its initial load — HTML, JS, CSS and every wasm file fetched until the page
 * is interactive — with its size.
 */
export async function initialLoad(context: BrowserContext, path: string) {
  const page = await context.newPage();
  const requests: Request[] = [];
  // The document and the client files (wasm, its chunks, JS, CSS); not API calls or images.
  page.on("request", (request) => {
    if (request.resourceType() === "document" || new URL(request.url()).pathname.startsWith("/pkg/")) {
      requests.push(request);
    }
  });
  await page.goto(path);
  await waitForHydration(page);
  const loaded = [...requests];
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const files: LoadedFile[] = [];
  for (const request of loaded) {
    const compressed = await bodyBytes(request.url(), cookie, "br");
    const plain = await bodyBytes(request.url(), cookie, "identity");
    files.push({
      path: new URL(request.url()).pathname,
      kind: kindOf(request),
      br: compressed.bytes,
      raw: plain.bytes,
      encoding: compressed.encoding,
    });
  }
  const total = files.reduce((sum, file) => sum + file.br, 0);
  return { page, files, total };
}

/** The files of a load, one per line, for the test log. */
export function describeLoad(path: string, files: LoadedFile[], total: number): string {
  const lines = files.map((f) => `  ${String(f.br).padStart(8)} br ${String(f.raw).padStart(9)} raw  ${f.kind.padEnd(5)} ${f.path}`);
  return `${path}: ${total} B with brotli\n${lines.join("\n")}`;
}
