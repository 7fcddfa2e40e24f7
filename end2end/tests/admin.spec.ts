import {
  createAccount,
  expect,
  linkIn,
  test,
  uniqueEmail,
  waitForHydration,
  waitForMail,
} from "./fixtures";

const ADMIN = "admin@example.com";
const PASSWORD = "correct horse battery";

test("an administrator finds an account, acts as it, stops, and bans it", async ({
  page,
  request,
}) => {
  const target = uniqueEmail("target");
  await createAccount(request, target, PASSWORD);

  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Root Admin");
  await page.getByLabel("Email address").fill(ADMIN);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Root Admin");
  // Not an administrator until the address is confirmed.
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
  await page.goto(linkIn(await waitForMail(ADMIN), "/verify-email"));
  await waitForHydration(page);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await page.getByRole("link", { name: "Admin", exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);

  await page.getByLabel("Search by email or name").fill(target);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.locator("tr", { hasText: target });
  await expect(row.getByTestId("user-status")).toHaveText("Email not confirmed");

  // Acting as the account: an unmissable banner, and the way back.
  await row.getByRole("button", { name: "Act as user" }).click();
  const banner = page.getByTestId("impersonation-banner");
  await expect(banner).toContainText(`You are acting as Test User (${target})`);
  await expect(page.getByTestId("account-name")).toHaveText("Test User");
  await expect(page.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
  await banner.getByRole("button", { name: "Stop impersonating" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId("impersonation-banner")).toHaveCount(0);
  await expect(page.getByTestId("account-name")).toHaveText("Root Admin");

  // Banning it.
  await page.getByLabel("Search by email or name").fill(target);
  await page.getByRole("button", { name: "Search" }).click();
  await row.getByText("Ban…").click();
  await row.getByLabel(`Why is ${target} banned?`).fill("Spam");
  await row.getByRole("button", { name: "Ban and end sessions" }).click();
  await expect(row.getByTestId("user-status")).toHaveText("Banned until lifted: Spam");
  // Translated event names under column headers, not raw keys.
  const events = page.getByTestId("admin-events");
  await expect(events.locator("thead")).toContainText("What");
  await expect(events.locator('tr[data-action="user.banned"]')).toContainText("Account banned");
  await expect(events.locator('tr[data-action="impersonation.started"]')).toContainText(
    "Impersonation started",
  );
  await expect(events).not.toContainText("user.banned");

  // The organizations table.
  await page
    .getByRole("navigation", { name: "Administration" })
    .getByRole("link", { name: "Organizations" })
    .click();
  await expect(page.getByTestId("admin-orgs")).toBeVisible();
});
