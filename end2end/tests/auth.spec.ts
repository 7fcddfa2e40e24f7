import {
  createAccount,
  expect,
  test,
  linkIn,
  signOut,
  uniqueEmail,
  waitForHydration,
  waitForMail,
  watchForErrors,
} from "./fixtures";

const PASSWORD = "correct horse battery";

test("sign up, verify the address from the mail, sign out and sign in again", async ({ page }) => {
  const errors = watchForErrors(page);
  const email = uniqueEmail("signup");
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByTestId("account-name")).toHaveText("Ada Lovelace");
  await expect(page.getByTestId("verify-banner")).toContainText(email);

  const mail = await waitForMail(email);
  expect(mail.subject).toBe("Confirm your email address");
  await page.goto(linkIn(mail, "/verify-email"));
  await waitForHydration(page);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page).toHaveURL(/\/\?verified=1$/);
  await expect(page.getByTestId("arrival")).toHaveText("Your email address is confirmed.");
  await expect(page.getByTestId("verify-banner")).toHaveCount(0);

  await signOut(page);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveCount(0);

  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email address").fill(email.toUpperCase());
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Ada Lovelace");
  expect(errors).toEqual([]);
});

test("wrong credentials and bad input show translated errors inline", async ({ page }) => {
  await page.goto("/sign-in");
  await waitForHydration(page);
  await page.getByLabel("Email address").fill("nobody@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not the password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");

  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Short");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Choose a stronger password.")).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
});

test("sign in with a magic link", async ({ page, request }) => {
  const email = uniqueEmail("magic");
  await createAccount(request, email, PASSWORD);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Email link" }).click();
  // The sign-in form (with its own email field) stays on screen until the next page's chunk
  // is in.
  await expect(page.getByRole("button", { name: "Email me a link" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail(email, 2);
  expect(mail.subject).toBe("Your sign-in link");
  await page.goto(linkIn(mail, "/magic-link"));
  await waitForHydration(page);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Test User");
  // Following the link proved the address.
  await expect(page.getByTestId("verify-banner")).toHaveCount(0);
});

test("reset a forgotten password", async ({ page, request }) => {
  const email = uniqueEmail("reset");
  await createAccount(request, email, PASSWORD);
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The sign-in form stays on screen until the next page's chunk is in.
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail(email, 2);
  expect(mail.subject).toBe("Reset your password");
  await page.goto(linkIn(mail, "/reset-password"));
  await waitForHydration(page);
  await page.getByLabel("New password", { exact: true }).fill("a new long passphrase");
  await page.getByRole("button", { name: "Save password and sign in" }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Test User");

  await signOut(page);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("a new long passphrase");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Test User");
});
