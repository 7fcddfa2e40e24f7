import { expect, test, uniqueEmail, waitForHydration } from "./fixtures";

test("create an organization and see it listed with my role", async ({ page }) => {
  const email = uniqueEmail("orgs");
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Org Founder");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Org Founder");

  await page.getByRole("link", { name: "Organizations" }).click();
  await expect(page.getByTestId("orgs-empty")).toBeVisible();
  await page.getByLabel("Organization name").fill("Señor Café");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("orgs")).toContainText("Señor Café");
  await expect(page.getByTestId("orgs")).toContainText("senor-cafe");
  await expect(page.getByTestId("orgs")).toContainText("Owner");

  await page.getByLabel("Organization name").fill("Taken");
  await page.getByLabel("Address (optional)").fill("senor-cafe");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("This already exists.")).toBeVisible();
});
