import {
  createAccount,
  expect,
  openHeaderMenu,
  test,
  uniqueEmail,
  waitForHydration,
} from "./fixtures";

const PASSWORD = "correct horse battery";

test("settings ask for sign-in first and come back after it", async ({ page, request }) => {
  const email = uniqueEmail("settings");
  await createAccount(request, email, PASSWORD);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=\/account$/);
  await waitForHydration(page);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("profile-email")).toHaveText(email);
});

test("profile, password and sessions", async ({ page }) => {
  const email = uniqueEmail("profile");
  await page.goto("/sign-up");
  await waitForHydration(page);
  // The organizations page (where a new account lands) gets its list only after the profile
  // page is on screen: nothing that answers late may render the next page again.
  let releaseOrgs!: () => void;
  const orgsHeld = new Promise<void>((resolve) => (releaseOrgs = resolve));
  await page.route(/\/api\/orgs(\?.*)?$/, async (route) => {
    await orgsHeld;
    await route.continue();
  });
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  await expect(page.getByTestId("account-name")).toHaveText("Grace Hopper");

  await openHeaderMenu(page);
  await page.getByRole("link", { name: "Profile" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByLabel("Name")).toHaveValue("Grace Hopper");
  await page.getByLabel("Name").fill("Grace B. Hopper");
  const orgsAnswered = page.waitForResponse(/\/api\/orgs(\?.*)?$/);
  releaseOrgs();
  await orgsAnswered;
  await page.unrouteAll({ behavior: "wait" });
  // Let the app handle the answer (a frame) before checking that the form was left alone.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))));
  await expect(page.getByLabel("Name")).toHaveValue("Grace B. Hopper");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByText("Your profile is saved.")).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveText("Grace B. Hopper");

  await page.getByRole("link", { name: "Security" }).click();
  // This device first, named as a person would name it.
  await expect(page.getByTestId("sessions").locator("tbody tr").first()).toContainText(
    "Chrome on Linux (this device)",
  );
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("an even longer passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The email or password is incorrect.").first()).toBeVisible();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.", { exact: false })).toBeVisible();
  // Still signed in: the session continued under a new token.
  await page.reload();
  await expect(page.getByTestId("account-name")).toHaveText("Grace B. Hopper");
});
