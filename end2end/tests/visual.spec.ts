import { type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { expect, test, waitForHydration, waitForMail } from "./fixtures";

/**
 * The main pages as a person sees them, at a desktop's and a phone's width, in the light and
 * the dark theme, against the baselines in docs/screenshots/ (they are also the pictures of
 * the product in the docs). Every run starts from an empty database, so the data is fixed:
 * the same names, titles and due dates; what changes from day to day (creation and expiry
 * dates, other tests' accounts in the administration) is masked.
 *
 * To take new baselines after a deliberate change: `scripts/e2e.sh visual --update-snapshots`.
 */

const PASSWORD = "correct horse battery";
// An administrator of the test server (playwright.config.ts), used by this file only.
const OWNER = { name: "Ada Lovelace", email: "visual-admin@example.com" };
const ORG = { name: "Analytical Engines", slug: "analytical-engines" };
const TODOS = [
  { title: "Draft the quarterly report", priority: "high", due_date: "2031-03-14", mine: true },
  { title: "Review the pricing page", priority: "medium", due_date: "2031-04-02", mine: false },
  { title: "Renew the TLS certificates", priority: "urgent", due_date: "2024-05-01", mine: true },
  { title: "Plan the team offsite", priority: "low", due_date: "", mine: false },
  { title: "Answer the support inbox", priority: "medium", due_date: "", mine: true, done: true },
];

const WIDTHS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;
const THEMES = ["light", "dark"] as const;

// One worker arranges the data once and takes every picture.
test.describe.configure({ mode: "serial" });

let owner: { storageState: Awaited<ReturnType<BrowserContext["storageState"]>> };

test.beforeAll(async ({ browser }) => {
  owner = { storageState: await arrange(browser) };
});

/**
 * The owner, confirmed (so an administrator), with an organization, todos and an invitation.
 * A worker that starts again after a failed picture finds them made: it signs in instead.
 */
async function arrange(browser: Browser) {
  const context = await browser.newContext();
  const request = context.request;
  const post = async (path: string, form: Record<string, string>) => {
    const response = await request.post(path, { form, headers: { accept: "application/json" } });
    expect(response.status(), path).toBe(200);
    return response.json();
  };
  const signUp = await request.post("/api/auth/sign-up", {
    form: { ...OWNER, password: PASSWORD },
    headers: { accept: "application/json" },
  });
  if (signUp.status() === 409) {
    await post("/api/auth/sign-in", { email: OWNER.email, password: PASSWORD });
    const state = await context.storageState();
    await context.close();
    return state;
  }
  expect(signUp.status()).toBe(200);
  const token = (await waitForMail(OWNER.email)).body.match(/verify-email\?token=([\w-]+)/)?.[1];
  expect(token).toBeTruthy();
  await post("/api/auth/verify-email", { token: token ?? "" });
  const org = (await post("/api/orgs/create", ORG)).id as string;
  const me = (await (await request.get("/api/auth/me")).json()).id as string;
  // Created oldest first: the list shows the newest first.
  for (const todo of [...TODOS].reverse()) {
    const created = await post("/api/todos/create", {
      org,
      title: todo.title,
      priority: todo.priority,
      due_date: todo.due_date,
      assigned_to: todo.mine ? me : "",
    });
    if (todo.done) await post("/api/todos/toggle", { org, id: created.id });
  }
  await post("/api/orgs/invitations/create", {
    org,
    email: "charles.babbage@example.com",
    role: "member",
  });
  const state = await context.storageState();
  await context.close();
  return state;
}

interface Shot {
  name: string;
  path: string;
  signedIn: boolean;
  /** Waits for what the page loads after hydration. */
  ready: (page: Page) => Promise<void>;
  /** What changes from run to run. */
  mask: (page: Page) => Locator[];
}

const SHOTS: Shot[] = [
  {
    name: "home",
    path: "/",
    signedIn: false,
    ready: async (page) => {
      await expect(page.getByTestId("status-database")).toHaveText("sqlite");
    },
    mask: () => [],
  },
  {
    name: "sign-in",
    path: "/sign-in",
    signedIn: false,
    ready: async (page) => {
      await expect(page.getByLabel("Email address")).toBeVisible();
    },
    mask: () => [],
  },
  {
    name: "todos",
    path: `/o/${ORG.slug}/todos`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("todos").locator("tbody tr")).toHaveCount(TODOS.length);
      await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
    },
    // The creation dates, and the overdue flag that depends on today.
    mask: (page) => [page.locator(".todos-table td:nth-child(5)")],
  },
  {
    name: "team",
    path: `/o/${ORG.slug}/team`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("invitations").locator("tbody tr")).toHaveCount(1);
    },
    // The joining date and the invitation's expiry.
    mask: (page) => [
      page.getByTestId("members").locator("td:nth-child(4)"),
      page.getByTestId("invitations").locator("td:nth-child(4)"),
    ],
  },
  {
    name: "billing",
    path: `/o/${ORG.slug}/billing`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("usage-todos")).toContainText(`${TODOS.length} of 10`);
      await expect(page.getByTestId("invoices-empty")).toBeVisible();
    },
    mask: () => [],
  },
  {
    name: "account",
    path: "/account",
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByLabel("Name")).toHaveValue(OWNER.name);
    },
    mask: () => [],
  },
  {
    name: "admin",
    path: `/admin?q=${encodeURIComponent(OWNER.email)}`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("admin-users").locator("tbody tr")).toHaveCount(1);
      // The log's length depends on the tests that ran before: a fixed height (set through the
      // DOM, as the page's CSP refuses an injected stylesheet).
      await page
        .locator(".table-scroll", { has: page.getByTestId("admin-events") })
        .evaluate((box: HTMLElement) => {
          box.style.height = "12rem";
          box.style.overflow = "hidden";
        });
    },
    // The account's creation date, and the log of what other tests' administrators did.
    mask: (page) => [
      page.getByTestId("admin-users").locator("td:nth-child(4)"),
      page.locator(".table-scroll", { has: page.getByTestId("admin-events") }),
    ],
  },
];

for (const shot of SHOTS) {
  for (const size of WIDTHS) {
    for (const theme of THEMES) {
      test(`${shot.name} at ${size.width} px, ${theme}`, async ({ browser }) => {
        const context = await browser.newContext({
          viewport: { width: size.width, height: size.height },
          colorScheme: theme,
          storageState: shot.signedIn ? owner.storageState : undefined,
        });
        const page = await context.newPage();
        await page.goto(shot.path);
        await waitForHydration(page);
        await shot.ready(page);
        await expect(page).toHaveScreenshot(`${shot.name}-${size.name}-${theme}.png`, {
          fullPage: true,
          mask: shot.mask(page),
          // What changes from run to run, in a grey that reads as "not shown".
          maskColor: "#9aa0ab",
        });
        await context.close();
      });
    }
  }
}
