import { expect, test } from "@playwright/test";
import { openHeaderMenu, waitForHydration, watchForErrors } from "./fixtures";

test("home page renders the product and the instance status", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle("Foundation");
  await expect(
    page.getByRole("heading", { level: 1, name: "Ship your SaaS on a foundation that scales" }),
  ).toBeVisible();
  await expect(page.getByRole("heading", { name: "Organizations and roles" })).toBeVisible();
  await expect(page.getByTestId("status-database")).toHaveText("sqlite");
  await expect(page.getByTestId("status-cache")).toHaveText("in-process");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("main")).toBeVisible();
  await expect(page.getByRole("contentinfo")).toContainText("Version 0.1.0");
});

test("the page hydrates without errors and the theme picker works in place", async ({ page }) => {
  const errors = watchForErrors(page);
  await page.goto("/");
  await waitForHydration(page);
  // A marker that a full page load would wipe out: the change must happen without navigation.
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = "still here"));

  // The page switches at once; the choice is stored by a request that must land before the
  // reload below.
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/preferences/theme"));
  await openHeaderMenu(page);
  await page.getByLabel("Theme").selectOption("dark");
  expect((await saved).status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.locator("body")).toHaveCSS("background-color", "rgb(15, 17, 21)");
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe(
    "still here",
  );
  await expect(page.getByRole("button", { name: "Apply" }).first()).toBeHidden();

  // The choice was stored: a fresh load renders dark from the server.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(errors).toEqual([]);
});

test("switching the language translates the page and is remembered", async ({ page }) => {
  await page.goto("/");
  await waitForHydration(page);
  // The page switches at once; the choice is stored by a request that must land before the
  // reload below (waiting for "networkidle" would not wait: the page had been idle already).
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/preferences/locale"));
  await openHeaderMenu(page);
  await page.getByLabel("Language").selectOption("es");
  expect((await saved).status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(
    page.getByRole("heading", { level: 1, name: "Lanza tu SaaS sobre una base que escala" }),
  ).toBeVisible();
  await expect(page.getByLabel("Idioma")).toHaveValue("es");

  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Lanza tu SaaS sobre una base que escala",
  );
});

test.describe("a Spanish browser", () => {
  test.use({ locale: "es-ES" });

  test("gets Spanish on its first visit", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { name: "Estado del sistema" })).toBeVisible();
  });
});

test("unknown pages answer 404 with a way home", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("pages carry a nonce-based Content-Security-Policy", async ({ page }) => {
  const response = await page.goto("/");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/_-]+={0,2}' 'wasm-unsafe-eval'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response?.headers()["x-content-type-options"]).toBe("nosniff");
});
