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
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import harness  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OURS = [
    "/my",
    "/my/cart",
    "/my/cart/checkout",
    "/my/requests",
    "/my/quotes",
    "/my/orders/<id>",
    "/my/shops",
]
REFERENCES = ["/my/orders", "/my/invoices"]
# measured in this order (sale's /my/orders before the order page: its
# previous/next links come from the list seen last, as for a real customer)
PAGES = [
    "/my",
    "/my/cart",
    "/my/cart/checkout",
    "/my/requests",
    "/my/quotes",
    "/my/orders",
    "/my/orders/<id>",
    "/my/invoices",
    "/my/shops",
]
# the customers (bench/seed.py): ordinary (a dozen requests, 3-article cart),
# heavy (2,000 requests, 50-article cart), plain Odoo (2,000 sale orders)
ORDINARY = "bench.c000@example.com"
HEAVY = "bench.heavy@example.com"
PLAIN = "bench.plain@example.com"
# the back-office list of the requests (measured with its domain)
REQUESTS_ACTION = "personal_shopper.action_personal_shopper_order"
HEAVY_TAG = " · heavy"
ODOO_TAG = " · odoo customer"
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
def portal_session(server, login="bench.c000@example.com"):
    s = requests.Session()
    page = s.get(server.url("/web/login"), timeout=60).text
    token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page).group(1)
    r = s.post(
        server.url("/web/login"),
        timeout=60,
        data={
            "login": login,
            "password": "bench",
            "csrf_token": token,
            "redirect": "/my",
        },
    )
    if not r.url.endswith("/my"):
        sys.exit(f"the bench customer {login} cannot log in: {r.url}")
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


def xmlid_res_id(session, server, xmlid):
    """The database id of the record of ``xmlid`` (module.name)."""
    module, name = xmlid.split(".")
    found = call_kw(
        session,
        server,
        "ir.model.data",
        "search_read",
        [[("module", "=", module), ("name", "=", name)], ["res_id"]],
        {},
        "setup",
    )
    if not found:
        sys.exit(f"{xmlid} not found")
    return found[0]["res_id"]


def list_specification(session, server, model, xmlid_view):
    """web_search_read specification of a list/kanban view: its fields."""
    views = call_kw(
        session,
        server,
        model,
        "get_views",
        [[[xmlid_res_id(session, server, xmlid_view), "list"]]],
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
def customer_order(backend, server, login, personal_shopper=True):
    """The order page measured for ``login``: its first request with a
    payment proof (ours), or its newest sale order (the plain customer)."""
    domain = [("partner_id.email", "=", login)]
    if personal_shopper:
        domain += [("is_personal_shopper", "=", True), ("ps_proof_ids", "!=", False)]
    orders = call_kw(
        backend,
        server,
        "sale.order",
        "search_read",
        [domain, ["id"]],
        {"limit": 1, "order": "date_order desc, id desc"},
        "setup",
    )
    if not orders:
        sys.exit(f"{login} has no order to measure (seeding?)")
    return orders[0]["id"]


def portal_targets(server, backend):
    """{name: (login, path)} of the portal pages measured: ours and Odoo's
    for the ordinary customer, ours for the heavy one, Odoo's for the plain
    Odoo customer."""
    targets = {}
    for who, login in (("", ORDINARY), (HEAVY_TAG, HEAVY)):
        order_id = customer_order(backend, server, login)
        for name in PAGES:
            if who and name in REFERENCES:
                continue
            targets[name + who] = (login, name.replace("<id>", str(order_id)))
    plain_order = customer_order(backend, server, PLAIN, personal_shopper=False)
    # the portal home of a customer without requests (our cart card and
    # alerts included: they are on every customer's home)
    targets["/my" + ODOO_TAG] = (PLAIN, "/my")
    targets["/my/orders" + ODOO_TAG] = (PLAIN, "/my/orders")
    targets["/my/orders/<id>" + ODOO_TAG] = (PLAIN, f"/my/orders/{plain_order}")
    return targets


def measure(server, runs, warmup):
    backend = backend_session(server)
    # the requests action by its xml id: other actions of sale.order filter
    # on is_personal_shopper too (shipments, hand-overs...)
    action = call_kw(
        backend,
        server,
        "ir.actions.act_window",
        "read",
        [[xmlid_res_id(backend, server, REQUESTS_ACTION)], ["domain"]],
        {},
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
    sessions = {
        login: portal_session(server, login) for login in (ORDINARY, HEAVY, PLAIN)
    }

    def page(login, path):
        return lambda tag: sessions[login].get(
            server.url(path + ("&" if "?" in path else "?") + f"bench={tag}"),
            timeout=120,
        )

    targets = {
        name: page(login, path)
        for name, (login, path) in portal_targets(server, backend).items()
    }
    targets.update(
        {
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
    )
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
            "queries_min": min(qs) if qs else None,
            "queries_max": max(qs) if qs else None,
        }
    return rows


# ------------------------------------------------------------------------------
# Concurrent load
# ------------------------------------------------------------------------------
def load_targets(server, backend):
    """{name: (login, path)}: our order page and cart (heavy customer) and
    Odoo's own order page (plain customer)."""
    targets = portal_targets(server, backend)
    return {
        name: targets[name]
        for name in (
            "/my/orders/<id>" + HEAVY_TAG,
            "/my/cart" + HEAVY_TAG,
            "/my/orders/<id>" + ODOO_TAG,
        )
    }


def load_slice(server, sessions, path, duration):
    """The clients (``sessions``, logged in) GET ``path`` in a loop for
    ``duration`` seconds, all at once: (latencies ms, errors, elapsed s)."""
    url = server.url(path + ("&" if "?" in path else "?") + "bench=load")
    clients = len(sessions)
    barrier = threading.Barrier(clients + 1)
    results = [[] for _i in range(clients)]
    errors = [0] * clients

    def client(index):
        session = sessions[index]
        barrier.wait()
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            try:
                ok = session.get(url, timeout=120).status_code == 200
            except requests.RequestException:
                ok = False
            results[index].append((time.perf_counter() - t0) * 1000)
            if not ok:
                errors[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    t0 = time.perf_counter()
    for thread in threads:
        thread.join()
    return (
        [t for client_times in results for t in client_times],
        sum(errors),
        time.perf_counter() - t0,
    )


def measure_load(server, clients, duration, rounds):
    """``clients`` logged-in clients on each load target for ``duration``
    seconds in all, in ``rounds`` slices taken in turn (A, B, C, A, B, C...):
    the other jobs of a shared machine weigh on every page alike."""
    backend = backend_session(server)
    targets = load_targets(server, backend)
    sessions = {
        name: [portal_session(server, login) for _i in range(clients)]
        for name, (login, path) in targets.items()
    }
    for name, (login, path) in targets.items():  # warm every worker's caches
        for session in sessions[name]:
            session.get(server.url(path + "?bench=w-load"), timeout=120)
    times = {name: [] for name in targets}
    errors = dict.fromkeys(targets, 0)
    elapsed = dict.fromkeys(targets, 0.0)
    log(
        f"load: {clients} clients × {duration}s on {', '.join(targets)} "
        f"({rounds} rounds taken in turn)"
    )
    for _round in range(rounds):
        for name, (login, path) in targets.items():
            t, e, s = load_slice(server, sessions[name], path, duration / rounds)
            times[name] += t
            errors[name] += e
            elapsed[name] += s
    return {
        name: {
            "requests": len(times[name]),
            "rps": round(len(times[name]) / elapsed[name], 1),
            "p50_ms": round(statistics.median(times[name]), 1) if times[name] else None,
            "p95_ms": round(pct(times[name], 95), 1) if len(times[name]) > 1 else None,
            "errors": errors[name],
        }
        for name in targets
    }


# ------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------
P50_GOAL = 1.2  # our page's p50 within 1.2× Odoo's comparable page's
QUERIES_GOAL = 10  # and at most 10 queries more
LOAD_GOAL = 0.9  # under load, at least 0.9× the throughput of Odoo's order page


def comparable(name):
    """Odoo's page (plain customer) a page of ours is compared with."""
    if name.startswith("/my/orders/<id>"):
        return "/my/orders/<id>" + ODOO_TAG
    if name.split(" · ")[0] == "/my":
        return "/my" + ODOO_TAG
    return "/my/orders" + ODOO_TAG


def ours(name):
    return name.split(" · ")[0] in OURS


def queries(row):
    if row["queries_min"] is None:
        return "?"
    if row["queries_min"] == row["queries_max"]:
        return f"{row['queries_median']:g}"
    return f"{row['queries_median']:g} ({row['queries_min']}–{row['queries_max']})"


def report(results, sizes, runs, meta, load=None, load_meta=""):
    small, big = str(sizes[0]), str(sizes[-1])
    head = (
        f"| Page | p50 ms ({small}) | p95 ms ({small}) | queries ({small}) "
        f"| p50 ms ({big}) | p95 ms ({big}) | queries ({big}) "
        f"| query growth | p50 growth | p50 vs Odoo ({big}) "
        f"| queries vs Odoo ({big}) |"
    )
    lines = [head, "|" + "---|" * 11]
    problems, misses, varying = [], [], []
    for name in results[big]:
        a, b = results[small][name], results[big][name]
        growth = (b["queries_median"] or 0) - (a["queries_median"] or 0)
        if growth > 0:
            problems.append(
                f"{name}: {a['queries_median']} → {b['queries_median']} queries "
                f"from {small} to {big} orders"
            )
        for size, row in ((small, a), (big, b)):
            if row["queries_min"] != row["queries_max"]:
                varying.append(f"{name} at {size} ({queries(row)})")
        vs_p50 = vs_queries = "—"
        if name.startswith("/"):
            ref = results[big][comparable(name)]
            ratio = b["p50_ms"] / ref["p50_ms"]
            delta = b["queries_median"] - ref["queries_median"]
            vs_p50, vs_queries = f"×{ratio:.2f}", f"{delta:+g}"
            if ours(name) and (ratio > P50_GOAL or delta > QUERIES_GOAL):
                misses.append(
                    f"{name}: ×{ratio:.2f} the p50, {delta:+g} queries "
                    f"of `{comparable(name)}`"
                )
        lines.append(
            f"| `{name}` | {a['p50_ms']} | {a['p95_ms']} | {queries(a)} "
            f"| {b['p50_ms']} | {b['p95_ms']} | {queries(b)} "
            f"| {growth:+g} | ×{b['p50_ms'] / a['p50_ms']:.2f} "
            f"| {vs_p50} | {vs_queries} |"
        )
    table = "\n".join(lines)

    # the heavy customer against the ordinary one (flat in the history)
    flat = [
        "| Page | p50 ms ordinary | p50 ms heavy | heavy / ordinary "
        "| queries ordinary | queries heavy | query growth |",
        "|" + "---|" * 7,
    ]
    for name in results[big]:
        if not name.endswith(HEAVY_TAG):
            continue
        base = name[: -len(HEAVY_TAG)]
        a, b = results[big][base], results[big][name]
        growth = b["queries_median"] - a["queries_median"]
        if growth > 0:
            problems.append(
                f"{base}: {a['queries_median']} queries for the ordinary customer, "
                f"{b['queries_median']} for the heavy one"
            )
        flat.append(
            f"| `{base}` | {a['p50_ms']} | {b['p50_ms']} "
            f"| ×{b['p50_ms'] / a['p50_ms']:.2f} | {queries(a)} | {queries(b)} "
            f"| {growth:+g} |"
        )
    flat_table = "\n".join(flat)

    load_table = ""
    if load:
        ref = load["/my/orders/<id>" + ODOO_TAG]
        rows = [
            "| Page | clients × s | requests | requests/s | vs Odoo's order page "
            "| p50 ms | p95 ms | errors |",
            "|" + "---|" * 8,
        ]
        for name, row in load.items():
            ratio = row["rps"] / ref["rps"] if ref["rps"] else 0
            if not name.endswith(ODOO_TAG) and ratio < LOAD_GOAL:
                misses.append(
                    f"{name} under load: {row['rps']} requests/s, ×{ratio:.2f} "
                    f"Odoo's order page"
                )
            if row["errors"]:
                misses.append(f"{name} under load: {row['errors']} errors")
            rows.append(
                f"| `{name}` | {load_meta} | {row['requests']} | {row['rps']} "
                f"| ×{ratio:.2f} | {row['p50_ms']} | {row['p95_ms']} "
                f"| {row['errors']} |"
            )
        load_table = "\n".join(rows)

    goals = (
        f"Goals: every page of ours within ×{P50_GOAL} the p50 and +{QUERIES_GOAL} "
        f"queries of Odoo's comparable page (`/my/orders/<id>` of the plain Odoo "
        f"customer for the order page, its `/my` for the home, its `/my/orders` for "
        f"the others); flat from "
        f"the ordinary to the heavy customer and from {small} to {big} orders; "
        f"under load, ≥ ×{LOAD_GOAL} the throughput of Odoo's order page."
    )
    md = (
        f"# Benchmark results\n\n{meta}\n\n{goals}\n\n"
        f"## Pages, sequential\n\n{table}\n\n"
        f"## Heavy customer against the ordinary one ({big} orders)\n\n"
        f"{flat_table}\n\n"
        + (f"## Concurrent load ({big} orders)\n\n{load_table}\n\n" if load else "")
        + "## Verdict\n\n"
        + (
            "**Query counts growing with the data:** " + "; ".join(problems)
            if problems
            else "No query count grows with the data (sizes, customer's history)."
        )
        + "\n\n"
        + (
            "**Query counts varying between runs of a page:** " + "; ".join(varying)
            if varying
            else "Every page's query count is the same in all its runs."
        )
        + "\n\n"
        + (
            "**Goals missed (timing goals are noisy on a shared machine):** "
            + "; ".join(misses)
            if misses
            else "All goals met."
        )
        + "\n"
    )
    return "\n\n".join(t for t in (table, flat_table, load_table) if t), md, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--clients", type=int, default=8, help="concurrent clients of the load run"
    )
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of load per page"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="slices of the load run, the pages taken in turn",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load run")
    parser.add_argument("--heavy-requests", type=int, default=2000)
    parser.add_argument("--heavy-lines", type=int, default=50)
    parser.add_argument("--plain-orders", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    problem = harness.check_prerequisites()
    if problem:
        sys.exit(problem)
    os.environ.update(
        BENCH_HEAVY_REQUESTS=str(args.heavy_requests),
        BENCH_HEAVY_LINES=str(args.heavy_lines),
        BENCH_PLAIN_ORDERS=str(args.plain_orders),
    )

    db = f"bench_{os.getpid()}"
    logs = ROOT / ".local" / "bench-logs" / db
    logs.mkdir(parents=True, exist_ok=True)
    dbs = harness.Databases(keep=args.keep)
    dbs.names.append(db)
    t_start = time.monotonic()
    results, seed_times, load = {}, {}, None
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
                if size == sizes[-1] and not args.no_load:
                    load = measure_load(
                        server, args.clients, args.duration, args.rounds
                    )
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
        f"{args.sizes} --runs {args.runs}"
        + (" --no-load" if args.no_load else "")
        + f"`; server in workers mode (--workers=2, no "
        f"cron); sequential part: one client, {args.runs} measured runs per page "
        f"after {args.warmup} warm-up runs. Data: ~200 ordinary portal customers, "
        f"3 lines per order (the size is their number of requests); the measured "
        f"ordinary customer has a dozen requests and a 3-article cart; the heavy "
        f"customer {args.heavy_requests} requests at various stages and a "
        f"{args.heavy_lines}-article cart; the plain Odoo customer "
        f"{args.plain_orders} ordinary sale orders. "
        f"Seeding: {', '.join(f'{k} orders {v}s' for k, v in seed_times.items())}; "
        f"whole run {total}s. Latency measured by the client (ms); queries: SQL "
        f"queries per request from the werkzeug log line (median of the runs, "
        f"min–max when they differ). The machine has 2 cores shared with other "
        f"jobs: absolute times are noisy."
    )
    load_meta = f"{args.clients} × {args.duration}"
    if load:
        meta += (
            f" Load: {args.clients} clients × {args.duration}s per page, in "
            f"{args.rounds} slices taken in turn with the other pages."
        )
    table, md, problems = report(results, sizes, args.runs, meta, load, load_meta)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(md)
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "sizes": sizes,
                "runs": args.runs,
                "results": results,
                "load": {"clients": args.clients, "duration": args.duration}
                | (load or {}),
            },
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
