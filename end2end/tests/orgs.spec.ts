import { type Browser, type Page } from "@playwright/test";
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

/** Signs up in the browser; a new account lands on the organizations page. */
async function signUp(page: Page, name: string, email: string) {
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-name")).toHaveText(name);
}

/** Follows the verification link mailed at sign-up. */
async function verify(page: Page, email: string) {
  await page.goto(linkIn(await waitForMail(email), "/verify-email"));
  await waitForHydration(page);
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await expect(page.getByTestId("verify-banner")).toHaveCount(0);
}

/** Creates an organization from the organizations page and waits until it is open. */
async function createOrg(page: Page, name: string): Promise<string> {
  await page.goto("/orgs");
  await waitForHydration(page);
  await page.getByLabel("Organization name").fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("org-name")).toHaveText(name);
  return new URL(page.url()).pathname;
}

/** A second person: their own browser context (cookies) and client address. */
async function secondBrowser(browser: Browser) {
  const n = Math.floor(Math.random() * 65_000);
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": `10.200.${n >> 8}.${n & 255}` },
  });
  return { context, page: await context.newPage() };
}

test("onboarding: a new account creates its organization and lands in it", async ({ page }) => {
  const errors = watchForErrors(page);
  await signUp(page, "Org Founder", uniqueEmail("onboarding"));
  await expect(page).toHaveURL(/\/orgs$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Welcome! Create your organization",
  );
  await expect(page.getByTestId("orgs-empty")).toBeVisible();

  const slug = `cafe-${Date.now()}`;
  await page.getByLabel("Organization name").fill("Señor Café");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}$`));
  await expect(page.getByTestId("org-name")).toHaveText("Señor Café");
  await expect(page.getByText("Your role: Owner")).toBeVisible();
  await expect(page.getByTestId("org-switcher")).toHaveText("Señor Café");
  expect(errors).toEqual([]);

  // The slug is taken now (the refused request is the only console error).
  await page.goto("/orgs");
  await waitForHydration(page);
  await expect(page.getByTestId("orgs")).toContainText("Señor Café");
  await page.getByLabel("Organization name").fill("Taken");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("This already exists.")).toBeVisible();
});

test("invite a second person, who joins, gets a new role and sees only what it allows", async ({
  page,
  browser,
}) => {
  const ownerEmail = uniqueEmail("owner");
  const inviteeEmail = uniqueEmail("invitee");
  await signUp(page, "Olivia Owner", ownerEmail);
  await verify(page, ownerEmail);
  const base = await createOrg(page, "Invite Co");

  // Invite from the team page.
  await page.getByRole("link", { name: "Team" }).click();
  await expect(page).toHaveURL(new RegExp(`${base}/team$`));
  await page.getByText("Invite a member").click();
  await page.getByLabel("Email address").fill(inviteeEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${inviteeEmail}.`)).toBeVisible();
  await expect(page.getByTestId("invitations")).toContainText(inviteeEmail);

  // The invitee follows the mailed link in their own browser, signs up and joins.
  const mail = await waitForMail(inviteeEmail);
  expect(mail.subject).toBe("Olivia Owner invited you to Invite Co");
  const invitee = await secondBrowser(browser);
  const other = invitee.page;
  await other.goto(linkIn(mail, "/invitations/accept"));
  await waitForHydration(other);
  await expect(other.getByTestId("invitation-summary")).toHaveText(
    "Olivia Owner invited you to join Invite Co as Member.",
  );
  await other.getByRole("link", { name: "Create an account to accept" }).click();
  await expect(other.getByLabel("Email address")).toHaveValue(inviteeEmail);
  await other.getByLabel("Name").fill("Ivan Invitee");
  await other.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other).toHaveURL(/\/invitations\/accept\?token=/);
  await other.getByRole("button", { name: "Accept invitation" }).click();
  await expect(other).toHaveURL(new RegExp(`${base}$`));
  await expect(other.getByText("Your role: Member")).toBeVisible();
  // A member: no settings or audit log, no member management.
  await expect(other.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(other.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await expect(other.getByTestId("permissions")).toContainText("Create todos");
  await expect(other.getByTestId("permissions")).not.toContainText("Invite people");

  // The owner sees the new member and makes them a viewer.
  await page.reload();
  await waitForHydration(page);
  const row = page.locator("tr", { hasText: inviteeEmail });
  await expect(row.getByTestId("member-role")).toHaveText("Member");
  await expect(page.getByTestId("invitations-empty")).toBeVisible();
  await row.getByLabel("Role of Ivan Invitee").selectOption("viewer");
  await row.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByTestId("member-role")).toHaveText("Viewer");

  // The viewer reads only.
  await other.reload();
  await waitForHydration(other);
  await expect(other.getByText("Your role: Viewer")).toBeVisible();
  await expect(other.getByTestId("permissions")).toContainText("See todos");
  await expect(other.getByTestId("permissions")).not.toContainText("Create todos");
  await other.getByRole("link", { name: "Team" }).click();
  await expect(other.getByTestId("members")).toContainText(ownerEmail);
  await expect(other.getByRole("button", { name: "Change role" })).toHaveCount(0);
  await expect(other.getByText("Invite a member")).toHaveCount(0);

  // The audit log tells the story to the owner.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit")).toContainText("Changed a role");
  await expect(page.getByTestId("audit")).toContainText("Joined");
  await expect(page.getByTestId("audit")).toContainText("Invited someone");
  await invitee.context.close();
});

test("two tabs work in two organizations, and the switcher moves between them", async ({
  page,
  context,
}) => {
  await signUp(page, "Tab User", uniqueEmail("tabs"));
  const alpha = await createOrg(page, "Alpha Tab");
  const beta = await createOrg(page, "Beta Tab");

  const first = page;
  const second = await context.newPage();
  await first.goto(`${alpha}/team`);
  await second.goto(`${beta}/settings`);
  await waitForHydration(first);
  await waitForHydration(second);
  await expect(first.getByTestId("org-name")).toHaveText("Alpha Tab");
  await expect(second.getByTestId("org-name")).toHaveText("Beta Tab");

  // Renaming in the second tab leaves the first tab's organization alone.
  await second.getByLabel("Organization name").fill("Beta Renamed");
  await second.getByRole("button", { name: "Save" }).click();
  await expect(second.getByTestId("org-name")).toHaveText("Beta Renamed");
  await first.reload();
  await expect(first.getByTestId("org-name")).toHaveText("Alpha Tab");

  // The switcher in the first tab goes to the other organization.
  await waitForHydration(first);
  await first.getByTestId("org-switcher").click();
  await first.getByRole("link", { name: "Beta Renamed" }).click();
  await expect(first).toHaveURL(new RegExp(`${beta}$`));
  await expect(first.getByTestId("org-name")).toHaveText("Beta Renamed");
  await expect(first.getByTestId("org-switcher")).toHaveText("Beta Renamed");
  // Its accessible name says which organization is active, not only what the menu does.
  await expect(first.getByTestId("org-switcher")).toHaveAccessibleName(
    "Beta Renamed, switch organization",
  );
  await expect(second).toHaveURL(new RegExp(`${beta}/settings$`));
});
