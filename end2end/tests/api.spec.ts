import { expect, test } from "@playwright/test";

test("GET /api/health reports a healthy instance", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.status).toBe("healthy");
  expect(body.version).toBe("0.1.0");
  expect(body.services).toEqual({ database: "connected", redis: "not_configured" });
  expect(Date.parse(body.timestamp)).not.toBeNaN();
  expect(response.headers()["x-request-id"]).toBeTruthy();
});

test("HEAD /api/health answers without a body", async ({ request }) => {
  const response = await request.head("/api/health");
  expect(response.status()).toBe(200);
  expect((await response.body()).length).toBe(0);
});

test("a server function rejects bad input with a typed, translated JSON error", async ({
  request,
}) => {
  const response = await request.post("/api/preferences/locale", {
    form: { locale: "xx" },
    headers: { "accept-language": "es" },
  });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.code).toBe("VAL_INVALID_FORMAT");
  expect(body.fields).toEqual({ locale: ["VAL_INVALID_FORMAT"] });
  expect(body.message).toBe("Este valor no es válido.");
  expect(body.requestId).toBe(response.headers()["x-request-id"]);
});
