import {
  expect,
  linkIn,
  test,
  uniqueEmail,
  waitForHydration,
  waitForMail,
  watchForErrors,
} from "./fixtures";

const PASSWORD = "correct horse battery";

test("a person who chose Spanish gets it from the first page after signing in elsewhere", async ({
  page,
  request,
}) => {
  const email = uniqueEmail("lengua");
  // The account was created by a Spanish browser: its language is Spanish.
  const created = await request.post("/api/auth/sign-up", {
    form: { name: "Ana Lengua", email, password: PASSWORD },
    headers: { accept: "application/json", "accept-language": "es-ES,es;q=0.9" },
  });
  expect(created.status()).toBe(200);

  // A new device, in English.
  await page.goto("/sign-in");
  await waitForHydration(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "¡Bienvenido! Crea tu organización",
  );
  await expect(page.getByRole("link", { name: "Inicio", exact: true })).toBeVisible();
});

test("the sign-in methods and an organization's tabs mark one page as current", async ({
  page,
}) => {
  await page.goto("/sign-in/code");
  await waitForHydration(page);
  const methods = page.getByRole("navigation", { name: "Ways to sign in" });
  await expect(methods.locator('[aria-current="page"]')).toHaveCount(1);
  await expect(methods.locator('[aria-current="page"]')).toHaveText("Email code");
});

test("deleting the account says so on the page it lands on", async ({ page }) => {
  const email = uniqueEmail("leaving");
  const created = await page.request.post("/api/auth/sign-up", {
    form: { name: "Lea Ving", email, password: PASSWORD },
    headers: { accept: "application/json" },
  });
  expect(created.status()).toBe(200);
  await page.goto("/account/security");
  await waitForHydration(page);
  const section = page.getByRole("region", { name: "Delete account" });
  // Its label focuses its own field, not the email form's field of the same name above.
  await section.locator("label", { hasText: "Password" }).click();
  await expect(section.getByLabel("Password")).toBeFocused();
  await section.getByLabel("Password").fill(PASSWORD);
  await section.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/\?account_deleted=1$/);
  await expect(page.getByTestId("arrival")).toHaveText(
    "Your account is deleted, with everything only it could reach.",
  );
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("a signed-in person on the home page has a way on to their organizations", async ({
  page,
}) => {
  const created = await page.request.post("/api/auth/sign-up", {
    form: { name: "Ona Home", email: uniqueEmail("home"), password: PASSWORD },
    headers: { accept: "application/json" },
  });
  expect(created.status()).toBe(200);
  await page.goto("/");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Go to your organizations" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
});

test("declining an invitation says so on the page it lands on", async ({ page, request }) => {
  const owner = uniqueEmail("inviter");
  const guest = uniqueEmail("guest");
  const json = { accept: "application/json" };
  const signedUp = await request.post("/api/auth/sign-up", {
    form: { name: "Ida Inviter", email: owner, password: PASSWORD },
    headers: json,
  });
  expect(signedUp.status()).toBe(200);
  const confirmed = await request.post("/api/auth/verify-email", {
    form: { token: tokenOf(linkIn(await waitForMail(owner), "/verify-email")) },
    headers: json,
  });
  expect(confirmed.status()).toBe(200);
  const org = await request.post("/api/orgs/create", { form: { name: "Declined Co" }, headers: json });
  expect(org.status()).toBe(200);
  const invited = await request.post("/api/orgs/invitations/create", {
    form: { org: (await org.json()).id, email: guest, role: "member" },
    headers: json,
  });
  expect(invited.status()).toBe(200);

  await page.goto(linkIn(await waitForMail(guest), "/invitations/accept"));
  await waitForHydration(page);
  await page.getByRole("button", { name: "Decline" }).click();
  await expect(page).toHaveURL(/\/\?invitation_declined=1$/);
  await expect(page.getByTestId("arrival")).toHaveText(
    "You declined the invitation. Nobody was added.",
  );
});

/** The `token` parameter of a link. */
function tokenOf(link: string): string {
  return new URL(link, "http://localhost").searchParams.get("token") ?? "";
}

test("a sole owner is not offered controls that could only fail", async ({ page }) => {
  const json = { accept: "application/json" };
  const created = await page.request.post("/api/auth/sign-up", {
    form: { name: "Solo Owner", email: uniqueEmail("solo"), password: PASSWORD },
    headers: json,
  });
  expect(created.status()).toBe(200);
  const org = await page.request.post("/api/orgs/create", { form: { name: "Solo Co" }, headers: json });
  expect(org.status()).toBe(200);
  const { slug } = await org.json();

  await page.goto(`/o/${slug}/team`);
  await waitForHydration(page);
  await expect(page.getByTestId("leave-sole-owner")).toContainText("only owner");
  await expect(page.getByRole("button", { name: "Leave organization" })).toHaveCount(0);

  await page.goto(`/o/${slug}/settings`);
  await waitForHydration(page);
  await expect(page.getByTestId("transfer-nobody")).toBeVisible();
  await expect(page.getByRole("button", { name: "Transfer ownership" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete organization for everyone" })).toBeVisible();
});

test.describe("in New York", () => {
  test.use({ timezoneId: "America/New_York" });

  test("times are shown in the browser's time zone, with the exact UTC time on hover", async ({
    page,
  }) => {
    const errors = watchForErrors(page);
    const created = await page.request.post("/api/auth/sign-up", {
      form: { name: "Zoe Zone", email: uniqueEmail("zone"), password: PASSWORD },
      headers: { accept: "application/json" },
    });
    expect(created.status()).toBe(200);
    const slug = `zone-${Date.now()}`;
    const org = await page.request.post("/api/orgs/create", {
      form: { name: "Zone Co", slug },
      headers: { accept: "application/json" },
    });
    expect(org.status()).toBe(200);

    // The first page reports the browser's zone; the profile keeps it.
    await page.goto(`/o/${slug}/audit`);
    await waitForHydration(page);
    await expect
      .poll(async () => (await (await page.request.get("/api/auth/me")).json()).time_zone)
      .toBe("America/New_York");

    // Rendered by the server in that zone, and kept by the browser.
    await page.reload();
    await waitForHydration(page);
    const when = page.getByTestId("audit").locator("time").first();
    const utc = (await when.getAttribute("datetime")) ?? "";
    expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expect(when).toHaveText(newYork(utc));
    await expect(when).toHaveAttribute("title", `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`);
    expect(errors).toEqual([]);
  });
});

/** `utc` as an English reader in New York writes it: "Dec 6, 2026, 7:51 PM". */
function newYork(utc: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      hour12: true,
    })
      .formatToParts(new Date(utc))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.month} ${parts.day}, ${parts.year}, ${parts.hour}:${parts.minute} ${parts.dayPeriod}`;
}

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the header is one row, and its menu reaches every page, the language and the theme", async ({
    page,
  }) => {
    const email = uniqueEmail("phone");
    const created = await page.request.post("/api/auth/sign-up", {
      form: { name: "Phoebe Phone", email, password: PASSWORD },
      headers: { accept: "application/json" },
    });
    expect(created.status()).toBe(200);
    await page.goto("/orgs");
    await waitForHydration(page);

    const header = page.locator(".site-header");
    expect((await header.boundingBox())?.height).toBeLessThanOrEqual(64);
    // The page's heading is on the first screen, under the header.
    const heading = page.getByRole("heading", { level: 1 });
    expect((await heading.boundingBox())?.y).toBeLessThan(200);
    // The main navigation's links are in the account menu; the avatar stands for the name.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    const button = page.getByTestId("account-menu");
    await expect(button).toHaveAccessibleName("Phoebe Phone");
    await expect(button.locator(".avatar")).toHaveAttribute("data-initials", "PP");

    await button.click();
    const panel = page.locator(".account-menu .menu-panel");
    await expect(panel).toBeVisible();
    const box = await panel.boundingBox();
    expect(box?.x).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await expect(panel.getByText(email)).toBeVisible();

    // Escape closes it and gives the focus back to its button.
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await expect(button).toBeFocused();

    // A click outside closes it too (below the panel, which covers the top of the page).
    await button.click();
    await expect(panel).toBeVisible();
    await page.mouse.click(200, 800);
    await expect(panel).toBeHidden();

    // The theme and the language change from the menu.
    await button.click();
    const savedTheme = page.waitForResponse((r) => r.url().endsWith("/api/preferences/theme"));
    await panel.getByLabel("Theme").selectOption("dark");
    expect((await savedTheme).status()).toBe(200);
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    const savedLocale = page.waitForResponse((r) => r.url().endsWith("/api/preferences/locale"));
    await panel.getByLabel("Language").selectOption("es");
    expect((await savedLocale).status()).toBe(200);
    await expect(page.locator("html")).toHaveAttribute("lang", "es");

    // Following a link in it navigates and closes it.
    await panel.getByRole("link", { name: "Perfil" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(panel).toBeHidden();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ajustes de la cuenta");
  });

  test("a visitor's header holds the sign-in links and the preferences in one row", async ({
    page,
  }) => {
    await page.goto("/");
    await waitForHydration(page);
    const header = page.locator(".site-header");
    expect((await header.boundingBox())?.height).toBeLessThanOrEqual(64);
    await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
    await expect(header.getByRole("link", { name: "Sign up" })).toBeVisible();
    const button = page.getByTestId("preferences-menu");
    await expect(button).toHaveAccessibleName("Preferences");
    await button.click();
    await expect(page.getByLabel("Language")).toBeVisible();
    await expect(page.getByLabel("Theme")).toBeVisible();
  });
});
