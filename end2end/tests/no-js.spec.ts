import {
  expect,
  linkIn,
  openHeaderMenu,
  pngImage,
  signOut,
  test,
  uniqueEmail,
  waitForMail,
} from "./fixtures";

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
  await openHeaderMenu(page);
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
  await openHeaderMenu(page);
  const form = page.locator("form", { has: page.getByLabel("Theme") });
  await form.getByLabel("Theme").selectOption("dark");
  await form.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
});

test("sign up, sign out and sign in without JavaScript", async ({ page }) => {
  const email = `nojs-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto("/sign-up");
  // A refused form comes back with what was typed, except the password, and its errors.
  await page.getByLabel("Name").fill("Plain Form");
  await page.getByLabel("Email address").fill("not-an-address");
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error")).toHaveText(["Enter a valid email address."]);
  await expect(page.getByLabel("Name")).toHaveValue("Plain Form");
  await expect(page.getByLabel("Email address")).toHaveValue("not-an-address");
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
  expect(page.url()).not.toContain("horse");

  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  await expect(page.getByTestId("account-name")).toHaveText("Plain Form");
  await expect(page.getByTestId("verify-banner")).toBeVisible();

  await signOut(page);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("wrong password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // The error comes back in the URL and is rendered by the server.
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page.getByLabel("Email address")).toHaveValue(email);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");

  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Plain Form");
});

test("organization pages work as plain forms", async ({ page }) => {
  const email = uniqueEmail("nojs-org");
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Plain Owner");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);

  const slug = `plain-${Date.now()}`;
  await page.getByLabel("Organization name").fill("Plain Org");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}$`));
  await expect(page.getByTestId("org-name")).toHaveText("Plain Org");

  // Rename: the new address is where the form lands.
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Address", { exact: true }).fill(`${slug}-renamed`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}-renamed/settings$`));

  // Invite (after confirming the address), then cancel the invitation.
  await page.goto(linkIn(await waitForMail(email), "/verify-email"));
  await page.getByRole("button", { name: "Confirm email address" }).click();
  await page.goto(`/o/${slug}-renamed/team`);
  await expect(page.getByTestId("members")).toContainText(email);
  const invitee = uniqueEmail("nojs-invitee");
  await page.getByText("Invite a member").click();
  await page.getByLabel("Email address").fill(invitee);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("invitations")).toContainText(invitee);
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("invitations-empty")).toBeVisible();
});

test("todos: create, complete and delete as plain forms", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Plain Todos");
  await page.getByLabel("Email address").fill(uniqueEmail("nojs-todos"));
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);
  const slug = `plain-todos-${Date.now()}`;
  await page.getByLabel("Organization name").fill("Plain Todos");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}$`));

  await page.getByRole("link", { name: "Todos", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}/todos$`));
  await expect(page.getByTestId("todos-empty")).toBeVisible();
  // Keyboard shortcuts need JavaScript: their hint is not offered.
  await expect(page.getByTestId("shortcut-hint")).toBeHidden();

  // A refused title comes back as a translated error rendered by the server.
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please correct the highlighted fields.");

  await page.getByLabel("Title").fill("Water the plants");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByTestId("todo-title")).toHaveText(["Water the plants"]);

  await page.getByRole("checkbox", { name: "Done: Water the plants" }).click();
  await expect(page.getByRole("checkbox", { name: "Done: Water the plants" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  await page.getByRole("button", { name: "Delete “Water the plants”" }).click();
  await expect(page.getByTestId("todos-empty")).toBeVisible();
});

test("billing works as plain forms: upgrade through the checkout page, then cancel", async ({ page }) => {
  const json = { accept: "application/json" };
  const signedUp = await page.request.post("/api/auth/sign-up", {
    form: { name: "Plain Payer", email: uniqueEmail("nojs-billing"), password: "correct horse battery" },
    headers: json,
  });
  expect(signedUp.status()).toBe(200);
  const slug = `nojs-billing-${Date.now()}`;
  const created = await page.request.post("/api/orgs/create", {
    form: { name: "Plain Co", slug },
    headers: json,
  });
  expect(created.status()).toBe(200);

  await page.goto(`/o/${slug}/billing`);
  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  await page.getByTestId("upgrade-pro").click();
  await expect(page).toHaveURL(/\/billing\/checkout\/cs_local_/);
  // A declined card comes back to the checkout page with the reason.
  await page.getByLabel("Card number").fill("4000 0000 0000 9995");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "The payment did not go through. The card has insufficient funds.",
  );
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}/billing\\?checkout=success$`));
  await expect(page.getByTestId("plan-name")).toHaveText("Pro");
  await expect(page.getByTestId("plan-status")).toHaveText("Active");

  await page.getByTestId("cancel").click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}/billing$`));
  await expect(page.getByTestId("billing-date")).toContainText("Ends on");
  await page.getByTestId("resume").click();
  await expect(page.getByTestId("billing-date")).toContainText("Renews on");
  await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
});

test("pictures and attachments upload as plain forms", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("Plain Uploader");
  await page.getByLabel("Email address").fill(uniqueEmail("nojs-files"));
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/orgs$/);

  // The picture: chosen, then sent by the button; the server sends the browser back.
  await page.goto("/account");
  await page.getByLabel("Choose a picture").setInputFiles({
    name: "me.png",
    mimeType: "image/png",
    buffer: pngImage(120, 80, [200, 40, 40]),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-menu").locator("img.avatar")).toHaveAttribute("src", /^\/files\/avatars\//);

  // A refusal comes back in the address and is rendered by the server, in words.
  await page.getByLabel("Choose a picture").setInputFiles({
    name: "notes.gif",
    mimeType: "image/gif",
    buffer: Buffer.from("plain text, not a picture"),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("avatar-settings").getByRole("alert")).toHaveText(
    "Choose a JPEG, PNG, GIF or WebP picture.",
  );

  // A todo's attachment, added and removed with plain forms.
  const slug = `plain-files-${Date.now()}`;
  await page.goto("/orgs");
  await page.getByLabel("Organization name").fill("Plain Files");
  await page.getByLabel("Address (optional)").fill(slug);
  await page.getByRole("button", { name: "Create organization" }).click();
  const org = (await (await page.request.get(`/api/orgs/by-slug?slug=${slug}`)).json()).id as string;
  const created = await page.request.post("/api/todos/create", {
    form: { org, title: "With a file", priority: "low" },
    headers: { accept: "application/json" },
  });
  const todo = (await created.json()).id as string;
  await page.goto(`/o/${slug}/todos/${todo}/edit`);
  await page.getByLabel("Choose a file").setInputFiles({ name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from("the plan") });
  await page.getByRole("button", { name: "Attach" }).click();
  await expect(page).toHaveURL(new RegExp(`/todos/${todo}/edit$`));
  const list = page.getByTestId("attachment-list");
  await expect(list.getByRole("link", { name: "plan.txt" })).toBeVisible();
  await list.getByRole("button", { name: "Remove plan.txt" }).click();
  await expect(page.getByText("No files attached yet.")).toBeVisible();
});
