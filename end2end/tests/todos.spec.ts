import { readFileSync } from "node:fs";
import { type Browser, type Page } from "@playwright/test";
import { expect, subscribe, test, uniqueEmail, waitForHydration, watchForErrors } from "./fixtures";

const PASSWORD = "correct horse battery";

/** Signs up, creates an organization and opens its todos; answers the list path and the id. */
async function todosPage(page: Page, label: string): Promise<{ path: string; org: string; email: string }> {
  const email = uniqueEmail(label);
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Todo Owner");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  const slug = `${label}-${Date.now()}`;
  await page.getByLabel("Organization name").fill("Todo Co");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("org-name")).toHaveText("Todo Co");
  const org = await (await page.request.get(`/api/orgs/by-slug?slug=${slug}`)).json();
  const path = `/o/${slug}/todos`;
  await openTodos(page, path);
  return { path, org: org.id, email };
}

/** Opens the list and waits until it follows changes live. */
async function openTodos(page: Page, path: string) {
  await page.goto(path);
  await waitForHydration(page);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-live", "live");
}

/** Creates todos through the API with the page's session. */
async function bulkCreate(page: Page, org: string, items: object[]) {
  const response = await page.request.post("/api/todos/bulk-create", {
    data: { org, items },
    headers: { accept: "application/json" },
  });
  expect(response.status()).toBe(200);
}

function row(page: Page, title: string) {
  return page.getByTestId("todos").locator("tr", { has: page.getByText(title, { exact: true }) });
}

async function titles(page: Page): Promise<string[]> {
  return page.getByTestId("todo-title").allTextContents();
}

test("create, edit, complete, delete and undo", async ({ page }) => {
  const errors = watchForErrors(page);
  const { path } = await todosPage(page, "crud");
  await expect(page.getByTestId("todos-empty")).toHaveText("No todos yet. Add the first one above.");

  // Quick add, from the keyboard, as the hint (shown once the shortcuts work) says.
  await expect(page.getByTestId("shortcut-hint")).toHaveText("Shortcuts: N adds a todo, / searches.");
  await page.keyboard.press("n");
  await expect(page.getByLabel("Title")).toBeFocused();
  await page.keyboard.type("Buy milk");
  await page.locator("#todo-new-priority").selectOption("high");
  await page.getByLabel("Title").press("Enter");
  await expect(row(page, "Buy milk")).toBeVisible();
  await expect(row(page, "Buy milk").locator("[data-priority]")).toHaveText("High");
  // The form is empty and ready for the next one.
  await expect(page.getByLabel("Title")).toHaveValue("");

  // An empty title is refused with a translated message, and nothing is added.
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("alert").first()).toHaveText("Please correct the highlighted fields.");
  await expect(page.getByTestId("todo-title")).toHaveCount(1);

  // Edit on its own page.
  await page.getByRole("link", { name: "Edit “Buy milk”" }).click();
  await expect(page).toHaveURL(/\/todos\/[^/]+\/edit$/);
  // The list (with the quick-add title field) stays on screen until the edit page's chunk is in.
  await expect(page.getByRole("button", { name: "Save changes" })).toBeVisible();
  await page.getByLabel("Title").fill("Buy oat milk");
  await page.getByLabel("Description").fill("Two cartons, unsweetened");
  await page.getByLabel("Due date").fill("2020-01-31");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`${path}$`));
  const edited = row(page, "Buy oat milk");
  await expect(edited).toContainText("Two cartons, unsweetened");
  // Past due and open: flagged.
  await expect(edited).toContainText("Overdue");

  // Complete (optimistic), and it stays done after a reload.
  const check = page.getByRole("checkbox", { name: "Done: Buy oat milk" });
  await check.click();
  await expect(check).toHaveAttribute("aria-checked", "true");
  await expect(edited).not.toContainText("Overdue");
  await openTodos(page, path);
  await expect(page.getByRole("checkbox", { name: "Done: Buy oat milk" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  // Delete, then undo from the toast.
  await page.getByRole("button", { name: "Delete “Buy oat milk”" }).click();
  await expect(row(page, "Buy oat milk")).toBeHidden();
  await expect(page.getByTestId("toasts")).toContainText("“Buy oat milk” was deleted.");
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(row(page, "Buy oat milk")).toBeVisible();
  await expect(page.getByTestId("toasts")).toContainText("The todo is back.");

  // Deleted for good once the undo window has passed: gone after a reload too.
  await page.getByRole("button", { name: "Delete “Buy oat milk”" }).click();
  await expect(row(page, "Buy oat milk")).toBeHidden();
  await openTodos(page, path);
  await expect(page.getByTestId("todos-empty")).toBeVisible();
  // The only console error is the refused empty title.
  expect(errors.filter((e) => !e.includes("422") && !e.includes("400"))).toEqual([]);
});

test("filter, search, sort and paginate", async ({ page }) => {
  // A server-rendered table hydrates without a mismatch (which would panic in the console).
  const errors = watchForErrors(page);
  const { path, org } = await todosPage(page, "list");
  const items = Array.from({ length: 30 }, (_, i) => ({
    title: `Task ${String(i + 1).padStart(2, "0")}`,
    priority: ["low", "medium", "high", "urgent"][i % 4],
    description: i === 6 ? "Contains the Needle word" : undefined,
  }));
  // More than the free plan's 10.
  await subscribe(page.request, org);
  await bulkCreate(page, org, items);
  await openTodos(page, path);

  // 25 a page, newest first; the next page holds the rest.
  await expect(page.getByTestId("todos-count")).toHaveText("25 shown of 30 todos");
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.getByTestId("todos-count")).toHaveText("5 shown of 30 todos");
  await page.getByRole("link", { name: "First page" }).click();
  await expect(page.getByTestId("todos-count")).toHaveText("25 shown of 30 todos");

  // Sort by title, then the other way round.
  await page.getByRole("link", { name: "Title" }).click();
  await expect(page).toHaveURL(/sort=title&dir=asc/);
  // The address changes first; the list on screen stays until the sorted one has arrived.
  await expect(page.getByTestId("todo-title").first()).toHaveText("Task 01");
  expect((await titles(page)).slice(0, 3)).toEqual(["Task 01", "Task 02", "Task 03"]);
  await page.getByRole("link", { name: "Title ↑" }).click();
  await expect(page).toHaveURL(/sort=title&dir=desc/);
  await expect(page.getByTestId("todo-title").first()).toHaveText("Task 30");

  // Search is case-insensitive and covers descriptions; the order survives.
  await page.getByLabel("Search").fill("needle");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("todo-title")).toHaveText(["Task 07"]);
  await expect(page).toHaveURL(/sort=title/);

  // Priority filter.
  await page.getByLabel("Search").fill("");
  await page.locator("#todo-priority").selectOption("urgent");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("todos-count")).toHaveText("7 shown of 7 todos");

  // Nothing matches: a different empty state; clearing brings everything back.
  await page.getByLabel("Search").fill("no such task");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("todos-empty")).toHaveText("No todos match these filters.");
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page.getByTestId("todos-count")).toHaveText("25 shown of 30 todos");

  // Status filter.
  await row(page, "Task 30").getByRole("checkbox").click();
  await expect(row(page, "Task 30").getByRole("checkbox")).toHaveAttribute("aria-checked", "true");
  await page.locator("#todo-status").selectOption("done");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("todo-title")).toHaveText(["Task 30"]);
  expect(errors).toEqual([]);
});

/** The same account in a second browser context (its own cookies). */
async function secondSession(browser: Browser, email: string, path: string) {
  const n = Math.floor(Math.random() * 65_000);
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": `10.201.${n >> 8}.${n & 255}` },
  });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  await openTodos(page, path);
  return { context, page };
}

test("two browsers see each other's changes live", async ({ page, browser }) => {
  const { path, email } = await todosPage(page, "live");
  const other = await secondSession(browser, email, path);

  // Created here, shown there without a reload.
  await page.getByLabel("Title").fill("Shared task");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(row(other.page, "Shared task")).toBeVisible();

  // Completed there, checked here.
  await other.page.getByRole("checkbox", { name: "Done: Shared task" }).click();
  await expect(page.getByRole("checkbox", { name: "Done: Shared task" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  // Deleted here, gone there; undone here, back there.
  await page.getByRole("button", { name: "Delete “Shared task”" }).click();
  await expect(row(other.page, "Shared task")).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(row(other.page, "Shared task")).toBeVisible();
  await other.context.close();
});

test("export downloads a CSV of the filtered todos", async ({ page }) => {
  const { path, org } = await todosPage(page, "export");
  await bulkCreate(page, org, [
    { title: "Plain", priority: "low" },
    { title: "Comma, and \"quotes\"", priority: "urgent" },
    { title: "Ñandú", priority: "urgent", description: "two\nlines" },
  ]);
  await openTodos(page, `${path}?priority=urgent`);
  await expect(page.getByTestId("todos-count")).toHaveText("2 shown of 2 todos");

  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^todos-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await file.path(), "utf8");
  // A byte-order mark, so spreadsheet programs read the accents; names beside the ids.
  expect(csv.startsWith("\uFEFFid,title,description,priority,due_date,assigned_to,assignee,")).toBe(
    true,
  );
  expect(csv).toContain('"Comma, and ""quotes"""');
  expect(csv).toContain('Ñandú,"two\nlines",urgent');
  expect(csv).not.toContain("Plain");
  await expect(page.getByTestId("toasts")).toContainText("Exported 2 todos.");

  // NDJSON is offered the same way, and downloads the same todos.
  const ndjsonLink = page.getByTestId("export-ndjson");
  await expect(ndjsonLink).toHaveText("Export NDJSON");
  expect(await ndjsonLink.getAttribute("class")).toBe(
    await page.getByTestId("export-csv").getAttribute("class"),
  );
  const ndjsonDownload = page.waitForEvent("download");
  await ndjsonLink.click();
  const ndjson = readFileSync(await (await ndjsonDownload).path(), "utf8").trim().split("\n");
  expect(ndjson.map((line) => JSON.parse(line).title).sort()).toEqual([
    "Comma, and \"quotes\"",
    "Ñandú",
  ]);
});
