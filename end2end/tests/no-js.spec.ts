import { expect, test } from "@playwright/test";

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
