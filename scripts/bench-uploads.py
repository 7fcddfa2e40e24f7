"""Upload throughput and memory of the release build.

Runs the release server on a fresh data directory (local disk storage and SQLite by default;
whatever DATABASE_URL / REDIS_URL / S3_* the environment sets otherwise), signs up, puts an
organization on the Business plan through the local billing provider, and sends todo
attachments as a browser would (multipart, streamed from a generator so the client holds one
chunk at a time):

  1. one at a time: N attachments of SIZE MB, MB/s and ms per upload;
  2. CONCURRENT at once, SIZE MB each, sampling the server's resident memory (VmRSS from
     /proc) every 10 ms: the peak beside the idle figure and the bytes in flight.

Then checks that the organization's counted storage equals the bytes sent.

    scripts/bench-uploads.sh [N=10] [SIZE=25] [CONCURRENT=8]     (after scripts/build.sh)
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10
SIZE_MB = int(sys.argv[2]) if len(sys.argv) > 2 else 25
CONCURRENT = int(sys.argv[3]) if len(sys.argv) > 3 else 8
PORT = int(os.environ.get("BENCH_PORT", "3918"))
CHUNK = 256 * 1024
BOUNDARY = "bench-boundary-7d1f0c"


class Client:
    """One browser: a cookie, same-origin requests, JSON answers."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        sent = {"Sec-Fetch-Site": "same-origin", "Accept": "application/json"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";", 1)[0].partition("=")
                self.cookies[key] = rest
        data = answer.read()
        connection.close()
        return answer.status, json.loads(data) if data else None

    def form(self, path, fields):
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})


def multipart(org, todo, size):
    """The parts before and after the file, and the whole length."""
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("org", org), ("todo", todo))
    )
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n')
    tail = f"\r\n--{BOUNDARY}--\r\n"
    return head.encode(), tail.encode(), len(head) + size + len(tail)


def upload(client, org, todo, size):
    head, tail, length = multipart(org, todo, size)
    block = os.urandom(CHUNK)

    def body():
        yield head
        left = size
        while left > 0:
            piece = block[: min(CHUNK, left)]
            left -= len(piece)
            yield piece
        yield tail

    return client.request("POST", "/api/todos/attachments", body(), {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
    })


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    data = tempfile.mkdtemp(prefix="bench-uploads-")
    env = dict(os.environ, DATA_DIR=data, PORT=str(PORT), RUST_LOG="warn",
               API_RATE_LIMIT_PER_MINUTE="1000000")
    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "server")],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        client = Client()
        for _ in range(200):
            try:
                if client.request("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        email = f"bench-{int(time.time())}@example.com"
        status, _ = client.form("/api/auth/sign-up",
                                {"name": "Bench", "email": email, "password": "a long bench secret"})
        assert status == 200, status
        status, org = client.form("/api/orgs/create", {"name": "Bench Uploads"})
        assert status == 200, (status, org)
        org = org["id"]
        status, started = client.form("/api/billing/checkout",
                                      {"org": org, "plan": "business", "interval": "monthly"})
        assert status == 200, (status, started)
        session = started["url"].rsplit("/", 1)[-1]
        status, paid = client.form("/api/billing/local/pay",
                                   {"session": session, "card": "4242424242424242"})
        assert status == 200 and paid["status"] == "complete", (status, paid)
        status, todo = client.form("/api/todos/create", {"org": org, "title": "Bench files"})
        assert status == 200, (status, todo)
        todo = todo["id"]
        size = SIZE_MB * 1_000_000
        time.sleep(0.5)
        idle = rss_kib(server.pid)

        times = []
        for _ in range(N):
            began = time.perf_counter()
            status, answer = upload(client, org, todo, size)
            times.append(time.perf_counter() - began)
            assert status == 200, (status, answer)
        after_serial = rss_kib(server.pid)

        peak = [0]
        sampling = [True]

        def sample():
            while sampling[0]:
                peak[0] = max(peak[0], rss_kib(server.pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        results = []

        def one():
            results.append(upload(client, org, todo, size)[0])

        began = time.perf_counter()
        workers = [threading.Thread(target=one) for _ in range(CONCURRENT)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        together = time.perf_counter() - began
        sampling[0] = False
        sampler.join()
        assert results == [200] * CONCURRENT, results

        status, usage = client.request("GET", f"/api/billing/usage?org={org}")
        sent = (N + CONCURRENT) * size

        def ms(seconds):
            return f"{seconds * 1000:,.0f}"

        print(f"| what | result |\n|---|---|")
        print(f"| {N} × {SIZE_MB} MB, one at a time | "
              f"{N * SIZE_MB / sum(times):,.0f} MB/s; per upload min / median / max "
              f"{ms(min(times))} / {ms(statistics.median(times))} / {ms(max(times))} ms |")
        print(f"| {CONCURRENT} × {SIZE_MB} MB at once | all done in {ms(together)} ms, "
              f"{CONCURRENT * SIZE_MB / together:,.0f} MB/s |")
        print(f"| server RSS: idle / after the serial uploads / peak during the concurrent ones | "
              f"{idle / 1024:,.1f} / {after_serial / 1024:,.1f} / {peak[0] / 1024:,.1f} MiB "
              f"({CONCURRENT * SIZE_MB} MB in flight) |")
        print(f"| counted storage = bytes sent | {usage['storage']['used'] == sent} "
              f"({usage['storage']['used']:,} of {sent:,}) |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
