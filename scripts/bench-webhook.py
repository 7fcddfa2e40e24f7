"""Webhook handling time of the release build on Stripe (localstripe).

Runs the release server on a fresh SQLite file with Stripe configured against localstripe,
subscribes N organizations there (as Stripe's checkout page would), and lets localstripe's
signed events reach the webhook. Prints the handler's own time per event (the `micros` of its
"billing webhook handled" log line) by event type and outcome, and the time from the
subscription's creation at Stripe until the app shows it.

    scripts/bench-webhook.sh [N]        (after scripts/build.sh and scripts/setup.sh --test)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
BASE = os.environ["STRIPE_BASE"]
PORT = int(os.environ.get("BENCH_PORT", "3917"))
APP = f"http://127.0.0.1:{PORT}"
KEY = "sk_test_bench"
SECRET = "whsec_bench"
PRICES = {
    "PRO_MONTHLY": ("price_bench_pro_monthly", 1200, "month"),
    "PRO_ANNUAL": ("price_bench_pro_annual", 12000, "year"),
    "BUSINESS_MONTHLY": ("price_bench_business_monthly", 4000, "month"),
    "BUSINESS_ANNUAL": ("price_bench_business_annual", 40000, "year"),
}


def call(url, form=None, method=None, auth=False, headers=None, opener=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if auth:
        request.add_header("Authorization", f"Bearer {KEY}")
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main():
    for _, (price, amount, interval) in PRICES.items():
        if call(f"{BASE}/v1/plans/{price}", auth=True)[0] != 200:
            form = {"id": price, "amount": amount, "currency": "usd", "interval": interval,
                    "product[name]": price}
            assert call(f"{BASE}/v1/plans", form, auth=True)[0] == 200
    hook = f"{BASE}/_config/webhooks/wh_bench"
    assert call(hook, {"url": f"{APP}/api/billing/webhook", "secret": SECRET})[0] == 200

    data = tempfile.mkdtemp(prefix="bench-webhook-")
    env = dict(os.environ, DATA_DIR=data, PORT=str(PORT), LOG_FORMAT="json", RUST_LOG="info",
               API_RATE_LIMIT_PER_MINUTE="1000000", STRIPE_SECRET_KEY=KEY,
               STRIPE_WEBHOOK_SECRET=SECRET, STRIPE_API_BASE=BASE)
    for name, (price, _, _) in PRICES.items():
        env[f"STRIPE_PRICE_{name}"] = price
    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "server")],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                if call(f"{APP}/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        jar = urllib.request.HTTPCookieProcessor()
        browser = urllib.request.build_opener(jar)
        same = {"Sec-Fetch-Site": "same-origin", "Accept": "application/json"}
        email = f"bench-{int(time.time())}@example.com"
        form = {"name": "Bench", "email": email, "password": "a long bench secret"}
        status, _ = call(f"{APP}/api/auth/sign-up", form, headers=same, opener=browser)
        assert status == 200, status

        latencies = []
        for i in range(N):
            status, org = call(f"{APP}/api/orgs/create", {"name": f"Bench {i}"}, headers=same,
                               opener=browser)
            assert status == 200, (status, org)
            # The customer is made by the portal call (localstripe has no portal: it then fails).
            call(f"{APP}/api/billing/portal", {"org": org["id"]}, headers=same, opener=browser)
            found = call(f"{BASE}/v1/customers?limit=100", auth=True)[1]["data"]
            customer = next(c["id"] for c in found
                            if c.get("metadata", {}).get("organization_id") == org["id"])
            card = call(f"{BASE}/v1/payment_methods/pm_card_visa/attach",
                        {"customer": customer}, auth=True)[1]["id"]
            call(f"{BASE}/v1/customers/{customer}",
                 {"invoice_settings[default_payment_method]": card}, auth=True)
            started = time.monotonic()
            status, _ = call(f"{BASE}/v1/subscriptions",
                             {"customer": customer, "items[0][plan]": PRICES["PRO_MONTHLY"][0],
                              "metadata[organization_id]": org["id"]}, auth=True)
            assert status == 200
            while True:
                _, sub = call(f"{APP}/api/billing/subscription?org={org['id']}", headers=same,
                              opener=browser)
                if sub.get("status") == "active":
                    break
                if time.monotonic() - started > 15:
                    raise SystemExit(f"organization {i} never became active: {sub}")
                time.sleep(0.02)
            latencies.append((time.monotonic() - started) * 1000)
        time.sleep(2)
    finally:
        server.terminate()
        server.wait()
        log.close()

    by_kind = {}
    with open(os.path.join(data, "server.log")) as lines:
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            fields = entry.get("fields", entry)
            if fields.get("message") != "billing webhook handled":
                continue
            key = (fields.get("kind"), fields.get("outcome"))
            by_kind.setdefault(key, []).append(int(fields["micros"]) / 1000)

    def row(name, values):
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        return (f"| {name} | {len(values)} | {values[0]:.2f} | {statistics.median(values):.2f} "
                f"| {p95:.2f} | {values[-1]:.2f} |")

    backend = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"\nWebhook handler, release build, {backend}, {N} organizations (ms)\n")
    print("| event (outcome) | n | min | median | p95 | max |")
    print("|---|---|---|---|---|---|")
    for (kind, outcome), values in sorted(by_kind.items()):
        print(row(f"{kind} ({outcome})", values))
    print(row("subscription created at Stripe → shown by the app (incl. localstripe's ~1 s delay)",
              latencies))


if __name__ == "__main__":
    main()
