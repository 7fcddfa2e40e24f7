import { type Page } from "@playwright/test";
import { expect, pngImage, test, uniqueEmail, waitForHydration, watchForErrors } from "./fixtures";

const PASSWORD = "correct horse battery";

/** Signs up through the page and creates an organization; answers its slug and id. */
async function ownerWithOrg(page: Page, label: string): Promise<{ slug: string; org: string }> {
  await page.goto("/sign-up");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email address").fill(uniqueEmail(label));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  const slug = `${label}-${Date.now()}`;
  await page.getByLabel("Organization name").fill("Files Co");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByTestId("org-name")).toHaveText("Files Co");
  const org = await (await page.request.get(`/api/orgs/by-slug?slug=${slug}`)).json();
  return { slug, org: org.id };
}

test("a profile picture: previewed, uploaded with progress, shown everywhere, refused in words, removed", async ({
  page,
}) => {
  const errors = watchForErrors(page);
  const { slug } = await ownerWithOrg(page, "avatar");
  await page.goto("/account");
  await waitForHydration(page);
  const settings = page.getByTestId("avatar-settings");
  await expect(settings.locator("span.avatar")).toHaveAttribute("data-initials", "GH");

  // A slow line, so the progress bar can be seen (random pixels do not compress: ~1 MB).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 300 * 1024,
  });
  await page.getByLabel("Choose a picture").setInputFiles({
    name: "me.png",
    mimeType: "image/png",
    buffer: pngImage(600, 600, "noise"),
  });
  // The chosen file shows at once, from the browser, while it travels.
  await expect(settings.locator("img.avatar")).toHaveAttribute("src", /^blob:/);
  await expect(page.getByTestId("upload-progress")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  await expect(page.getByTestId("upload-progress")).toBeHidden({ timeout: 20_000 });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  // Saved: the server's 256-pixel file on the profile, the 64-pixel one in the header.
  await expect(settings.locator("img.avatar")).toHaveAttribute("src", /^\/files\/avatars\/.+\.jpg$/);
  const header = page.getByTestId("account-menu").locator("img.avatar");
  await expect(header).toHaveAttribute("src", /^\/files\/avatars\/.+\.jpg$/);
  const src = await header.getAttribute("src");
  const served = await page.request.get(src ?? "");
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("image/jpeg");
  // And beside the person's name on the team page.
  await page.goto(`/o/${slug}/team`);
  await expect(page.getByTestId("members").locator("img.avatar")).toHaveAttribute("src", /^\/files\/avatars\//);

  // Refusals are explained in the page's language, and change nothing.
  await page.goto("/account");
  await waitForHydration(page);
  await page.getByLabel("Choose a picture").setInputFiles({
    name: "notes.png",
    mimeType: "image/png",
    buffer: Buffer.from("not a picture at all"),
  });
  await expect(settings.getByRole("alert")).toHaveText("Choose a JPEG, PNG, GIF or WebP picture.");
  await page.getByLabel("Choose a picture").setInputFiles({
    name: "huge.png",
    mimeType: "image/png",
    buffer: Buffer.alloc(11 * 1024 * 1024, 7),
  });
  await expect(settings.getByRole("alert")).toHaveText("The file is too large: at most 10.5 MB.");
  await expect(settings.locator("img.avatar")).toHaveAttribute("src", /^\/files\/avatars\//);

  // Removed: initials again, everywhere.
  await settings.getByRole("button", { name: "Remove picture" }).click();
  await expect(settings.locator("span.avatar")).toHaveAttribute("data-initials", "GH");
  await expect(page.getByTestId("account-menu").locator("span.avatar")).toBeVisible();
  // The browser logs the two refusals' statuses, and the trace recorder's reads of the
  // previews' blob: addresses (the page itself never fetches them); nothing else went wrong.
  const unexpected = errors.filter((error) => !/status of (400|413)|Connecting to 'blob:/.test(error));
  expect(unexpected).toEqual([]);
});

test("an organization's logo: uploaded by its owner, shown in the switcher and the list", async ({ page }) => {
  const errors = watchForErrors(page);
  const { slug } = await ownerWithOrg(page, "logo");
  await page.goto(`/o/${slug}/settings`);
  await waitForHydration(page);
  const settings = page.getByTestId("logo-settings");
  await settings.getByLabel("Choose a picture").setInputFiles({
    name: "logo.png",
    mimeType: "image/png",
    buffer: pngImage(300, 200, [79, 70, 229]),
  });
  // A picture without transparency is stored as JPEG, cropped to a square.
  await expect(settings.locator("img.avatar")).toHaveAttribute("src", new RegExp(`^/files/orgs/.+/logo/.+\\.jpg$`));
  await expect(page.getByTestId("org-switcher").locator("img.avatar")).toBeVisible();
  const found = await (await page.request.get(`/api/orgs/by-slug?slug=${slug}`)).json();
  expect(found.logo.small).toMatch(/^\/files\/orgs\//);

  await page.goto("/orgs");
  await expect(page.getByTestId("orgs").locator("img.avatar-logo")).toBeVisible();

  await page.goto(`/o/${slug}/settings`);
  await waitForHydration(page);
  await settings.getByRole("button", { name: "Remove logo" }).click();
  await expect(settings.locator("span.avatar")).toHaveAttribute("data-initials", "FC");
  await expect(page.getByTestId("org-switcher").locator("img.avatar")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("todo attachments: chosen or dropped, listed, downloaded under their name, counted, removed", async ({
  page,
}) => {
  const errors = watchForErrors(page);
  const { slug, org } = await ownerWithOrg(page, "attach");
  const created = await page.request.post("/api/todos/create", {
    form: { org, title: "Quarterly report", priority: "medium" },
    headers: { accept: "application/json" },
  });
  expect(created.status()).toBe(200);
  const todo = (await created.json()).id as string;
  await page.goto(`/o/${slug}/todos/${todo}/edit`);
  await waitForHydration(page);
  await expect(page.getByText("No files attached yet.")).toBeVisible();

  const report = Buffer.alloc(50_000, "report ");
  await page.getByLabel("Choose a file").setInputFiles({ name: "report Q4.pdf", mimeType: "application/pdf", buffer: report });
  const list = page.getByTestId("attachment-list");
  await expect(list.getByRole("link", { name: "report Q4.pdf" })).toBeVisible();
  await expect(list.locator(".attachment-meta").first()).toContainText("50 kB");

  // Dropped on the zone, as from a file manager.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["dropped text"], "notes.txt", { type: "text/plain" }));
    return transfer;
  });
  await page.locator(".attachment-form .drop-zone").dispatchEvent("dragover", { dataTransfer: dropped });
  await page.locator(".attachment-form .drop-zone").dispatchEvent("drop", { dataTransfer: dropped });
  await expect(list.getByRole("link", { name: "notes.txt" })).toBeVisible();

  // Downloads keep their name and always download.
  const download = page.waitForEvent("download");
  await list.getByRole("link", { name: "report Q4.pdf" }).click();
  expect((await download).suggestedFilename()).toBe("report Q4.pdf");

  // Counted in the organization's storage.
  const usage = await (await page.request.get(`/api/billing/usage?org=${org}`)).json();
  expect(usage.storage.used).toBe(50_000 + "dropped text".length);
  await page.goto(`/o/${slug}/billing`);
  await expect(page.getByTestId("usage-storage")).toContainText("50 kB");

  await page.goto(`/o/${slug}/todos/${todo}/edit`);
  await waitForHydration(page);
  await list.getByRole("button", { name: "Remove notes.txt" }).click();
  await expect(list.getByRole("link", { name: "notes.txt" })).toHaveCount(0);
  await expect(list.getByRole("link", { name: "report Q4.pdf" })).toBeVisible();
  const after = await (await page.request.get(`/api/billing/usage?org=${org}`)).json();
  expect(after.storage.used).toBe(50_000);
  expect(errors).toEqual([]);
});
