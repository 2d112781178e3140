"""On-duty lookups per second over HTTP, p50/p99 latency, beside a bare ASGI hello-world on the same server.

    .venv/bin/python bench/on_duty.py [--members 200] [--contacts 5] [--days 365] [--duration 15]

Builds a directory of MEMBERS members x CONTACTS contacts with DAYS of daily rotations (plus a night layer,
a deputy, a desk and overrides), serves it with one uvicorn process, and drives it with wrk (C, one
thread, on the other core): first GET /hello (bare ASGI), then GET /api/v1/networks/BENCH/on-duty/<member>
cycling over every member with a real API token. Prints both figures and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Authorization"] = "Bearer %s"})
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, duration: int, connections: int, script: str | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{non2xx.group(1)} failed responses:\n{out}")
    return {"rps": rps, "p50_ms": pct("50"), "p99_ms": pct("99")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--contacts", type=int, default=5)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--database-url", help="use this (empty) database instead of a temporary SQLite file")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: run scripts/install-system-deps.sh", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {**os.environ, "LIAISON_DATABASE_URL": url, "LIAISON_ENV": "development", "LIAISON_LOG_LEVEL": "warning"}
    liaison = str(Path(sys.executable).parent / "liaison")
    t0 = time.perf_counter()
    subprocess.run([liaison, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            liaison,
            "demo",
            "load",
            "--bench",
            f"{args.members},{args.contacts},{args.days}",
            "--password",
            "bench-password-123",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    load_s = time.perf_counter() - t0
    token = json.loads(
        subprocess.run(
            [liaison, "user", "token", "bench", "--json"], env=env, check=True, capture_output=True, text=True
        ).stdout
    )["token"]
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.asgi:create_bench_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        members = httpx.get(
            f"{base}/api/v1/networks/BENCH", headers={"Authorization": f"Bearer {token}"}, timeout=30
        ).json()["members"]
        paths = [f"/api/v1/networks/BENCH/on-duty/{m['code']}" for m in members]
        sample = httpx.get(base + paths[0], headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
        assert sample["network"] == "BENCH", sample
        script = tmp / "onduty.lua"
        script.write_text(LUA % (", ".join(f'"{p}"' for p in paths), token))
        wrk(f"{base}/hello", 3, args.connections)  # warm-up
        wrk(base + paths[0], 3, args.connections, str(script))
        hello = wrk(f"{base}/hello", args.duration, args.connections)
        duty = wrk(base + paths[0], args.duration, args.connections, str(script))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    ratio = duty["rps"] / hello["rps"]
    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "directory": {
            "members": args.members,
            "contacts_per_member": args.contacts,
            "rotation_days": args.days,
            "database": url.split(":", 1)[0],
            "load_seconds": round(load_s, 1),
        },
        "hello_world": hello,
        "on_duty": duty,
        "ratio": round(ratio, 3),
        "targets": {"p99_ms_under": 20, "ratio_at_least": 0.30},
        "met": duty["p99_ms"] < 20 and ratio >= 0.30,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"machine: {result['machine']}; directory loaded in {load_s:.1f} s ({url.split(':', 1)[0]})")
        print(f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        print(f"{'bare ASGI hello-world':<28}{hello['rps']:>10.0f}{hello['p50_ms']:>10.2f}{hello['p99_ms']:>10.2f}")
        print(f"{'on-duty lookup (Liaison)':<28}{duty['rps']:>10.0f}{duty['p50_ms']:>10.2f}{duty['p99_ms']:>10.2f}")
        print(
            f"ratio on-duty / hello-world: {ratio:.1%} (target >= 30%: {'met' if ratio >= 0.30 else 'NOT met'}); "
            f"p99 {duty['p99_ms']:.2f} ms (target < 20 ms: {'met' if duty['p99_ms'] < 20 else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
