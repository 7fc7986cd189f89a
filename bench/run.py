#!/usr/bin/env python3
"""Benchmark of the personal shopper portal and back-office lists.

    .venv/bin/python bench/run.py [--sizes 1000,10000] [--runs 30] [--keep]

On its own database (bench_<pid>, addon + demo data + fr_FR) and its own Odoo
server (workers mode: --workers=2, on free ports, no cron), it seeds
personal shopper orders with the ORM (bench/seed.py in `odoo-bin shell`:
~200 portal customers, 3 lines per order, various stages, one order in a
hundred with a deposit invoice and a payment proof), then, for each size,
measures every page N times after a warm-up:

- portal pages of one customer (whose own data is the same at every size):
  /my, /my/cart, /my/quotes, /my/orders, /my/orders/<id>, /my/invoices,
  /my/shops;
- back-office calls as the web client makes them (JSON-RPC call_kw):
  the personal shopper list (web_search_read) and kanban (web_read_group)
  with the action's domain, and the payment proofs list.

Latency is measured by the client; the SQL query count of every request is
read from the server's werkzeug log line ("... <status> - <queries>
<query time> <other time>", odoo/netsvc.py PerfFilter). Results: a table on
stdout, bench/results/latest.md and latest.json. The database and its
filestore are dropped at the end (unless --keep).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import harness  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OURS = ["/my", "/my/cart", "/my/requests", "/my/quotes", "/my/orders/<id>", "/my/shops"]
REFERENCES = ["/my/orders", "/my/invoices"]
LOG_LINE = re.compile(
    r'werkzeug: \S+ - - \[[^\]]+\] "(?P<method>\w+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d+) \S+ (?P<queries>\d+) (?P<qtime>[\d.]+) (?P<other>[\d.]+)"
)


def log(msg):
    print(f"[bench] {msg}", flush=True)


# ------------------------------------------------------------------------------
# Database, seeding, server
# ------------------------------------------------------------------------------
def install(db, logs):
    log(f"installing personal_shopper (demo data, fr_FR) in {db}")
    rc, out = harness.run_odoo(
        [
            "-i",
            harness.ADDON,
            "--load-language=fr_FR",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        logs / "install.log",
        db=db,
    )
    if rc:
        sys.exit(f"install failed ({rc}):\n{harness.relevant_lines(out)}")


def seed(db, target, logs):
    t0 = time.monotonic()
    cmd = harness.odoo_command(["--log-level=warn", "--max-cron-threads=0"], db=db)
    cmd.insert(2, "shell")  # odoo-bin shell <options>
    env = dict(os.environ, BENCH_TARGET=str(target), PYTHONUNBUFFERED="1")
    with (
        open(ROOT / "bench" / "seed.py", "rb") as script,
        open(logs / f"seed-{target}.log", "wb") as out,
    ):
        rc = subprocess.run(
            cmd,
            stdin=script,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
            check=False,
        ).returncode
    text = (logs / f"seed-{target}.log").read_text(errors="replace")
    if rc or "[seed] done" not in text:
        sys.exit(f"seeding to {target} failed ({rc}):\n{text[-4000:]}")
    log(text.strip().splitlines()[-1] + f" (wall {time.monotonic() - t0:.0f}s)")


def start_server(db, logs, tag):
    server = harness.OdooServer(
        db,
        logs / f"server-{tag}.log",
        args=[
            "--workers=2",
            "--max-cron-threads=0",
            "--log-level=info",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
        ],
    )
    server.start(ready_timeout=180)
    return server


# ------------------------------------------------------------------------------
# Clients
# ------------------------------------------------------------------------------
def portal_session(server):
    s = requests.Session()
    page = s.get(server.url("/web/login"), timeout=60).text
    token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page).group(1)
    r = s.post(
        server.url("/web/login"),
        timeout=60,
        data={
            "login": "bench.c000@example.com",
            "password": "bench",
            "csrf_token": token,
            "redirect": "/my",
        },
    )
    if not r.url.endswith("/my"):
        sys.exit(f"the bench customer cannot log in: {r.url}")
    return s


def backend_session(server):
    s = requests.Session()
    r = s.post(
        server.url("/web/session/authenticate"),
        timeout=60,
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"db": server.db, "login": "admin", "password": "admin"},
        },
    )
    if not r.json().get("result", {}).get("uid"):
        sys.exit(f"admin cannot log in: {r.text[:500]}")
    return s


def call_kw(session, server, model, method, args, kwargs, tag):
    r = session.post(
        server.url(f"/web/dataset/call_kw/{model}/{method}?bench={tag}"),
        timeout=120,
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        },
    )
    answer = r.json()
    if "error" in answer:
        raise RuntimeError(f"{model}.{method}: {answer['error']}")
    return answer["result"]


def list_specification(session, server, model, xmlid_view):
    """web_search_read specification of a list/kanban view: its fields."""
    view_id = call_kw(
        session,
        server,
        "ir.model.data",
        "search_read",
        [
            [
                ("module", "=", xmlid_view.split(".")[0]),
                ("name", "=", xmlid_view.split(".")[1]),
            ],
            ["res_id"],
        ],
        {},
        "setup",
    )
    views = call_kw(
        session,
        server,
        model,
        "get_views",
        [[[view_id[0]["res_id"], "list"]]],
        {},
        "setup",
    )
    arch = views["views"]["list"]["arch"]
    fields = views["models"][model]["fields"]
    spec = {}
    for name in dict.fromkeys(re.findall(r'<field name="([a-z0-9_]+)"', arch)):
        ftype = fields.get(name, {}).get("type")
        if ftype == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif ftype in ("one2many", "many2many"):
            spec[name] = {"fields": {}}
        elif ftype:
            spec[name] = {}
    return spec


# ------------------------------------------------------------------------------
# Measurement
# ------------------------------------------------------------------------------
def measure(server, runs, warmup):
    portal = portal_session(server)
    backend = backend_session(server)
    action = call_kw(
        backend,
        server,
        "ir.actions.act_window",
        "search_read",
        [
            [
                ("res_model", "=", "sale.order"),
                ("domain", "ilike", "is_personal_shopper"),
            ],
            ["domain"],
        ],
        {"limit": 1},
        "setup",
    )[0]
    domain = eval(action["domain"], {"__builtins__": {}})  # noqa: S307 - our own data
    so_spec = list_specification(
        backend,
        server,
        "sale.order",
        "personal_shopper.sale_order_view_list_personal_shopper",
    )
    proof_spec = list_specification(
        backend,
        server,
        "personal.shopper.payment.proof",
        "personal_shopper.personal_shopper_payment_proof_view_list",
    )
    orders = call_kw(
        backend,
        server,
        "sale.order",
        "search_read",
        [
            [
                ("partner_id.email", "=", "bench.c000@example.com"),
                ("is_personal_shopper", "=", True),
                ("ps_proof_ids", "!=", False),
            ],
            ["id", "ps_stage"],
        ],
        {"limit": 1},
        "setup",
    )
    if not orders:
        sys.exit("the bench customer has no order with a payment proof (seeding?)")
    order = orders[0]

    def page(path):
        return lambda tag: portal.get(
            server.url(path + ("&" if "?" in path else "?") + f"bench={tag}"),
            timeout=120,
        )

    targets = {
        "/my": page("/my"),
        "/my/cart": page("/my/cart"),
        "/my/requests": page("/my/requests"),
        "/my/quotes": page("/my/quotes"),
        "/my/orders": page("/my/orders"),
        "/my/orders/<id>": page(f"/my/orders/{order['id']}"),
        "/my/invoices": page("/my/invoices"),
        "/my/shops": page("/my/shops"),
        "backend: requests list": lambda tag: call_kw(
            backend,
            server,
            "sale.order",
            "web_search_read",
            [],
            {
                "domain": domain,
                "specification": so_spec,
                "offset": 0,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
                "context": {"lang": "fr_FR", "bin_size": True},
            },
            tag,
        ),
        "backend: requests kanban": lambda tag: call_kw(
            backend,
            server,
            "sale.order",
            "web_read_group",
            [],
            {
                "domain": domain,
                "fields": ["amount_total:sum"],
                "groupby": ["ps_stage"],
                "lazy": True,
                "context": {"lang": "fr_FR"},
            },
            tag,
        ),
        "backend: payment proofs list": lambda tag: call_kw(
            backend,
            server,
            "personal.shopper.payment.proof",
            "web_search_read",
            [],
            {
                "domain": [("state", "=", "submitted")],
                "specification": proof_spec,
                "offset": 0,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
                "context": {"lang": "fr_FR", "bin_size": True},
            },
            tag,
        ),
    }
    timings = {}
    for name, fetch in targets.items():
        for i in range(warmup):
            fetch(f"w{i}")
        times = []
        for i in range(runs):
            tag = f"{abs(hash(name)) % 10**6}-{i}"
            t0 = time.perf_counter()
            r = fetch(tag)
            times.append((time.perf_counter() - t0) * 1000)
            if hasattr(r, "status_code") and r.status_code != 200:
                sys.exit(f"{name}: HTTP {r.status_code}")
        timings[name] = times
    return targets.keys(), timings


def query_counts(server, names, runs, deadline=30):
    """Per target, the query counts the server logged for its measured runs."""
    wanted = {
        f"{abs(hash(name)) % 10**6}-{i}": name for name in names for i in range(runs)
    }
    end = time.monotonic() + deadline
    while True:
        counts = {name: [] for name in names}
        for m in LOG_LINE.finditer(server.log_text()):
            tag = re.search(r"bench=([\w-]+)", m["path"])
            if tag and tag.group(1) in wanted:
                counts[wanted[tag.group(1)]].append(int(m["queries"]))
        if all(len(v) == runs for v in counts.values()) or time.monotonic() > end:
            return counts
        time.sleep(0.5)


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summarize(names, timings, counts):
    rows = {}
    for name in names:
        qs = counts[name]
        rows[name] = {
            "p50_ms": round(statistics.median(timings[name]), 1),
            "p95_ms": round(pct(timings[name], 95), 1),
            "queries_median": statistics.median(qs) if qs else None,
            "queries_max": max(qs) if qs else None,
        }
    return rows


# ------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------
def report(results, sizes, runs, meta):
    small, big = str(sizes[0]), str(sizes[-1])
    head = (
        f"| Page | p50 ms ({small}) | p95 ms ({small}) | queries ({small}) "
        f"| p50 ms ({big}) | p95 ms ({big}) | queries ({big}) "
        f"| query growth | p50 growth | p50 vs /my/orders ({big}) "
        f"| p50 vs /my/invoices ({big}) |"
    )
    lines = [head, "|" + "---|" * 11]
    ref_orders = results[big]["/my/orders"]["p50_ms"]
    ref_invoices = results[big]["/my/invoices"]["p50_ms"]
    problems = []
    for name in results[big]:
        a, b = results[small][name], results[big][name]
        growth = (b["queries_median"] or 0) - (a["queries_median"] or 0)
        if growth > 0:
            problems.append(
                f"{name}: {a['queries_median']} → {b['queries_median']} queries"
            )
        portal = name.startswith("/")
        lines.append(
            f"| `{name}` | {a['p50_ms']} | {a['p95_ms']} | {a['queries_median']:g} "
            f"| {b['p50_ms']} | {b['p95_ms']} | {b['queries_median']:g} "
            f"| {growth:+g} | ×{b['p50_ms'] / a['p50_ms']:.2f} "
            f"| {'×%.2f' % (b['p50_ms'] / ref_orders) if portal else '—'} "
            f"| {'×%.2f' % (b['p50_ms'] / ref_invoices) if portal else '—'} |"
        )
    table = "\n".join(lines)
    md = (
        f"# Benchmark results\n\n{meta}\n\n{table}\n\n"
        + (
            "**Query counts growing with the data:** " + "; ".join(problems)
            if problems
            else "No query count grows with the data."
        )
        + "\n"
    )
    return table, md, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    problem = harness.check_prerequisites()
    if problem:
        sys.exit(problem)

    db = f"bench_{os.getpid()}"
    logs = ROOT / ".local" / "bench-logs" / db
    logs.mkdir(parents=True, exist_ok=True)
    dbs = harness.Databases(keep=args.keep)
    dbs.names.append(db)
    t_start = time.monotonic()
    results, seed_times = {}, {}
    try:
        install(db, logs)
        for size in sizes:
            t0 = time.monotonic()
            seed(db, size, logs)
            seed_times[size] = round(time.monotonic() - t0)
            server = start_server(db, logs, size)
            try:
                log(
                    f"measuring at {size} orders "
                    f"({args.runs} runs, {args.warmup} warm-up)"
                )
                names, timings = measure(server, args.runs, args.warmup)
                counts = query_counts(server, names, args.runs)
            finally:
                server.stop()
            results[str(size)] = summarize(names, timings, counts)
    finally:
        kept = dbs.cleanup()
        if kept:
            log(f"kept database {db}")
    total = round(time.monotonic() - t_start)
    meta = (
        f"Run of {time.strftime('%Y-%m-%d %H:%M')}: `python bench/run.py --sizes "
        f"{args.sizes} --runs {args.runs}`; server in workers mode (--workers=2, no "
        f"cron), one client, sequential requests; {args.runs} measured runs per page "
        f"after {args.warmup} warm-up runs; ~200 portal customers, 3 lines per order. "
        f"Seeding: {', '.join(f'{k} orders {v}s' for k, v in seed_times.items())}; "
        f"whole run {total}s. Latency measured by the client (ms); queries: SQL "
        f"queries per request from the werkzeug log line (median of the runs)."
    )
    table, md, problems = report(results, sizes, args.runs, meta)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(md)
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"meta": meta, "sizes": sizes, "runs": args.runs, "results": results},
            indent=2,
        )
        + "\n"
    )
    print(table)
    log(f"written to {RESULTS / 'latest.md'} and latest.json ({total}s)")
    if problems:
        log("query counts grow with the data: " + "; ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
