import { expect, test } from "./fixtures";

test("the home page is complete without JavaScript", async ({ page }) => {
  await page.goto("/");
  await expect(
    page.getByRole("heading", { level: 1, name: "Ship your SaaS on a foundation that scales" }),
  ).toBeVisible();
  await expect(page.getByTestId("status-database")).toHaveText("sqlite");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
});

test("the language picker works as a plain form", async ({ page }) => {
  await page.goto("/");
  const form = page.locator("form", { has: page.getByLabel("Language") });
  await form.getByLabel("Language").selectOption("es");
  await form.getByRole("button", { name: "Apply" }).click();
  // Back on the page it was posted from (Leptos may leave an empty query string).
  await expect(page).toHaveURL(/\/\??$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Lanza tu SaaS sobre una base que escala",
  );
});

test("the theme picker works as a plain form", async ({ page }) => {
  await page.goto("/");
  const form = page.locator("form", { has: page.getByLabel("Theme") });
  await form.getByLabel("Theme").selectOption("dark");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});

test("sign up, sign out and sign in without JavaScript", async ({ page }) => {
  const email = `nojs-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Plain Form");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-name")).toHaveText("Plain Form");
  await expect(page.getByTestId("verify-banner")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("wrong password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // The error comes back in the URL and is rendered by the server.
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");

  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Plain Form");
});
