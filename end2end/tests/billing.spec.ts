import { type APIRequestContext, type Page } from "@playwright/test";
import { expect, subscribe, test, uniqueEmail, waitForHydration, watchForErrors } from "./fixtures";

const PASSWORD = "correct horse battery";
const json = { accept: "application/json" };

/** A signed-in owner (the page's session) of a new organization; answers its id and slug. */
async function ownerOfNewOrg(request: APIRequestContext, label: string) {
  const signedUp = await request.post("/api/auth/sign-up", {
    form: { name: "Bea Billing", email: uniqueEmail(label), password: PASSWORD },
    headers: json,
  });
  expect(signedUp.status()).toBe(200);
  const slug = `${label}-${Date.now()}-${Math.floor(Math.random() * 1e4)}`;
  const created = await request.post("/api/orgs/create", {
    form: { name: "Billing Co", slug },
    headers: json,
  });
  expect(created.status()).toBe(200);
  return { org: (await created.json()).id as string, slug };
}

async function openBilling(page: Page, slug: string) {
  await page.goto(`/o/${slug}/billing`);
  await waitForHydration(page);
  await expect(page.getByTestId("current-plan")).toBeVisible();
}

async function pay(page: Page, card: string) {
  await page.getByLabel("Card number").fill(card);
  await page.getByRole("button", { name: "Pay" }).click();
}

test("the free plan's limit, a declined card, then the upgrade that lifts the limit", async ({ page }) => {
  const errors = watchForErrors(page);
  const { org, slug } = await ownerOfNewOrg(page.request, "upgrade");
  const items = Array.from({ length: 10 }, (_, i) => ({ title: `Chore ${i + 1}` }));
  const bulk = await page.request.post("/api/todos/bulk-create", { data: { org, items }, headers: json });
  expect(bulk.status()).toBe(200);

  // The 11th todo: the translated limit error and the way to the plans.
  await page.goto(`/o/${slug}/todos`);
  await waitForHydration(page);
  await page.getByLabel("Title").fill("One too many");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.locator(".quick-add .form-alert")).toHaveText("You have reached the limit of your plan.");
  await page.getByTestId("limit-upgrade").getByRole("link", { name: "See plans" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}/billing$`));

  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  await expect(page.getByTestId("usage-todos")).toContainText("10 of 10");
  await expect(page.getByTestId("usage-members")).toContainText("1 of 2");
  await expect(page.getByTestId("limit-reached")).toBeVisible();
  await expect(page.getByTestId("plan-free").getByTestId("plan-current")).toHaveText("Your current plan");
  await expect(page.getByTestId("plan-pro")).toContainText("$12.00 per month");
  await expect(page.getByTestId("invoices-empty")).toHaveText("No invoices yet.");

  await page.getByTestId("upgrade-pro").click();
  await expect(page).toHaveURL(/\/billing\/checkout\/cs_local_/);
  await expect(page.getByTestId("checkout-summary")).toHaveText("Pro for Billing Co, $12.00 per month.");
  await waitForHydration(page);
  await pay(page, "4000 0000 0000 0002");
  await expect(page.getByRole("alert")).toHaveText("The payment did not go through. The card was declined.");
  await pay(page, "4242 4242 4242 4242");

  await expect(page).toHaveURL(new RegExp(`/o/${slug}/billing\\?checkout=success$`));
  await expect(page.getByTestId("checkout-success")).toHaveText("Thank you! Your new plan is active.");
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("plan-status")).toHaveText("Active");
  await expect(page.getByTestId("billing-date")).toContainText("Renews on");
  await expect(page.getByTestId("usage-todos")).toContainText("10 · no limit");
  await expect(page.getByTestId("limit-reached")).toBeHidden();
  await expect(page.getByTestId("invoices").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("invoices")).toContainText("$12.00");

  // The limit is gone.
  await page.goto(`/o/${slug}/todos`);
  await waitForHydration(page);
  await page.getByLabel("Title").fill("One too many");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByTestId("todo-title").filter({ hasText: "One too many" })).toBeVisible();
  // Refusals answer with their status, which the browser logs; nothing else is logged.
  expect(errors.filter((e) => !/40[23]/.test(e))).toEqual([]);
});

test("a trial on the annual business plan, cancelled and kept", async ({ page }) => {
  const { slug } = await ownerOfNewOrg(page.request, "trial");
  await openBilling(page, slug);
  await page.getByRole("link", { name: "Annual" }).click();
  await expect(page).toHaveURL(/interval=annual/);
  await expect(page.getByTestId("plan-business")).toContainText("$400.00 per year");
  await expect(page.getByTestId("plan-business")).toContainText("Save 16% against paying monthly");
  await page.getByTestId("trial-business").click();
  await expect(page).toHaveURL(/\/billing\/checkout\//);
  await expect(page.getByText("Nothing is charged today. After the 14-day trial: $400.00 per year.")).toBeVisible();
  await waitForHydration(page);
  await pay(page, "4242424242424242");

  await expect(page.getByTestId("plan-name")).toHaveText("Business");
  await expect(page.getByTestId("plan-status")).toHaveText("Trial");
  await expect(page.getByTestId("billing-date")).toContainText("Trial ends on");
  // The trial comes once: no second offer.
  await expect(page.locator("[data-testid^=trial-]")).toHaveCount(0);

  await page.getByTestId("cancel").click();
  await expect(page.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(page.getByTestId("billing-date")).toContainText("Ends on");
  await page.getByTestId("resume").click();
  await expect(page.getByTestId("cancel")).toBeVisible();
  await expect(page.getByText("Cancelled", { exact: true })).toBeHidden();

  // Switching plans is prorated and shows at once.
  await page.getByRole("link", { name: "Monthly" }).click();
  await page.getByTestId("switch-pro").click();
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("plan-pro").getByTestId("plan-current")).toBeVisible();
});

test("a card that asks the cardholder to confirm", async ({ page }) => {
  const { slug } = await ownerOfNewOrg(page.request, "confirm");
  await openBilling(page, slug);
  await page.getByTestId("upgrade-business").click();
  await expect(page).toHaveURL(/\/billing\/checkout\//);
  await waitForHydration(page);
  await pay(page, "4000 0025 0000 3155");
  await expect(page.getByTestId("checkout-confirm")).toHaveText("Your bank asks you to confirm this payment.");
  await page.getByTestId("checkout-refuse").click();
  await expect(page.getByRole("alert")).toHaveText("The payment did not go through. The payment was not confirmed.");
  await pay(page, "4000 0025 0000 3155");
  await page.getByRole("button", { name: "Confirm payment" }).click();
  await expect(page.getByTestId("plan-name")).toHaveText("Business");
});

test("an open billing page follows a change made elsewhere", async ({ page }) => {
  const { org, slug } = await ownerOfNewOrg(page.request, "live");
  await openBilling(page, slug);
  await expect(page.locator("section.billing")).toHaveAttribute("data-live", "live");
  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  // Another tab, a teammate or the provider: here, the API.
  await subscribe(page.request, org, "pro");
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  const cancelled = await page.request.post("/api/billing/cancel", { form: { org }, headers: json });
  expect(cancelled.status()).toBe(200);
  await expect(page.getByTestId("billing-date")).toContainText("Ends on");
});
