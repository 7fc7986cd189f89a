"""Operations: backup and restore (scripts/backup, scripts/restore), and the
app served by two Odoo nodes behind nginx (scripts/cluster).

The database of the harness (installed_db: the addon with its demo data) is
backed up and restored into a new database; the restored copy must hold the
same orders, payment proofs and attachments (their files byte for byte). That
copy is then served by scripts/cluster (two nodes, round-robin, no sticky
sessions) and the whole customer journey of test_e2e_journey runs through
the balancer; both nodes must have served requests, and a session opened on
one node must be valid on the other.
"""

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import websocket
from e2e_client import PortalClient
from test_e2e_journey import (
    test_customer_journey_from_signup_to_delivery as customer_journey,
)

import harness

SCRIPTS = harness.ROOT / "scripts"
CLUSTER_TIMEOUT = 180


def _script_env():
    """The scripts' environment: the harness's PostgreSQL (PS_DB_*, so that
    scripts/lib.sh uses that server as given) and PATH."""
    env = harness._subprocess_env()
    env.update(harness.db_env())
    return env


def _run_script(args, log_file, timeout=600):
    log_file = Path(log_file)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(a) for a in args],
        cwd=harness.ROOT,
        env=_script_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
        check=False,
    )
    log_file.write_bytes(done.stdout)
    return done.returncode, done.stdout.decode(errors="replace")


def _query(db, sql, params=()):
    conn = harness._pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        conn.close()


def _sha1(path):
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()


def _snapshot(db):
    """What a restore must bring back: orders, proofs, attachments (with the
    SHA-1 of each stored file, read from the filestore)."""
    filestore = harness.TEST_DATA_DIR / "filestore" / db
    attachments = _query(
        db,
        "SELECT id, res_model, res_id, name, store_fname, checksum, file_size"
        " FROM ir_attachment WHERE store_fname IS NOT NULL ORDER BY id",
    )
    return {
        "orders": _query(
            db,
            "SELECT id, name, partner_id, ps_stage, state, amount_total"
            " FROM sale_order ORDER BY id",
        ),
        "proofs": _query(
            db,
            "SELECT id, order_id, kind, state, attachment_id, amount_declared"
            " FROM personal_shopper_payment_proof ORDER BY id",
        ),
        "attachments": attachments,
        "files": {
            a[4]: _sha1(filestore / a[4])
            for a in attachments
            if (filestore / a[4]).is_file()
        },
        "params": dict(
            _query(
                db,
                "SELECT key, value FROM ir_config_parameter"
                " WHERE key IN ('database.uuid', 'database.secret')",
            )
        ),
    }


@pytest.fixture(scope="module")
def backup(installed_db, tmp_path_factory, logs_dir):
    """(archive, snapshot of installed_db when it was backed up)"""
    db, _log = installed_db
    before = _snapshot(db)
    archive = tmp_path_factory.mktemp("backup") / f"{db}.tar"
    rc, out = _run_script(
        [
            SCRIPTS / "backup",
            "--db",
            db,
            "--data-dir",
            harness.TEST_DATA_DIR,
            "-o",
            archive,
        ],
        logs_dir / "backup.log",
    )
    assert rc == 0 and archive.is_file(), f"scripts/backup failed ({rc}):\n{out}"
    return archive, before


@pytest.fixture(scope="module")
def restored_db(backup, databases, logs_dir):
    """A new database restored from ``backup`` (without --copy: it keeps
    the original's identity, as when replacing a lost database; --copy
    runs an Odoo shell, some 20 s more)."""
    archive, _before = backup
    db = databases.new()
    rc, out = _run_script(
        [
            SCRIPTS / "restore",
            archive,
            db,
            "--data-dir",
            harness.TEST_DATA_DIR,
        ],
        logs_dir / "restore.log",
    )
    assert rc == 0, f"scripts/restore failed ({rc}):\n{out}"
    return db


def test_backup_archive_content(backup):
    archive, _before = backup
    listing = subprocess.run(
        ["tar", "-tf", str(archive)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert sorted(listing) == ["SHA256SUMS", "db.dump", "filestore.tar", "manifest"]
    assert oct(archive.stat().st_mode & 0o777) == "0o600", "backups hold secrets"


def test_restore_brings_back_orders_proofs_and_files(backup, restored_db):
    _archive, before = backup
    after = _snapshot(restored_db)
    assert before["orders"], "the demo database has orders"
    assert before["proofs"], "the demo database has payment proofs"
    # the proofs' files (receipts) are among the stored attachments
    proof_files = {p[4] for p in before["proofs"]}
    assert proof_files and proof_files <= {a[0] for a in before["attachments"]}
    assert after["orders"] == before["orders"]
    assert after["proofs"] == before["proofs"]
    assert after["attachments"] == before["attachments"]
    # every stored file is back, byte for byte (its SHA-1 is Odoo's checksum)
    # (attachments with the same content share one file)
    assert set(before["files"]) == {a[4] for a in before["attachments"]}
    assert after["files"] == before["files"]
    for _id, _model, _res_id, _name, fname, checksum, _size in after["attachments"]:
        assert after["files"][fname] == checksum, fname
    # the same database: same identity (no --copy)
    assert after["params"] == before["params"]


def test_restore_refuses_an_existing_database(backup, restored_db, logs_dir):
    archive, _before = backup
    rc, out = _run_script(
        [
            SCRIPTS / "restore",
            archive,
            restored_db,
            "--data-dir",
            harness.TEST_DATA_DIR,
        ],
        logs_dir / "restore-existing.log",
    )
    assert rc != 0 and "already exists" in out, out


# --------------------------------------------------------------------------
# Two nodes behind nginx
# --------------------------------------------------------------------------
@dataclass
class OdooCluster:
    """scripts/cluster running: nginx on ``port`` before two nodes."""

    db: str
    port: int
    node_ports: list  # [http1, gevent1, http2, gevent2]
    run_dir: Path
    log_file: Path
    smtp_port: int = 0
    proc: subprocess.Popen = None
    marks: dict = field(default_factory=dict)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path="/"):
        return self.base_url + path

    def node_url(self, n, path="/"):
        return f"http://127.0.0.1:{self.node_ports[2 * (n - 1)]}{path}"

    def node_log(self, n):
        path = self.run_dir / f"node{n}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def requests_served(self, n):
        """The HTTP requests node ``n`` logged (werkzeug lines)."""
        return len(re.findall(r' werkzeug: .*"(?:GET|POST|HEAD) ', self.node_log(n)))

    def access_log(self):
        path = self.run_dir / "nginx-access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, lines=80):
        out = []
        for name in ("cluster.log", "node1.log", "node2.log", "nginx-error.log"):
            path = self.run_dir / name if name != "cluster.log" else self.log_file
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                out.append(f"--- {path} ---\n" + "\n".join(text))
        return "\n".join(out)

    def start(self, timeout=CLUSTER_TIMEOUT):
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "wb") as out:
            self.proc = subprocess.Popen(
                [
                    str(SCRIPTS / "cluster"),
                    "--db",
                    self.db,
                    "--port",
                    str(self.port),
                    "--node-ports",
                    ",".join(map(str, self.node_ports)),
                    "--data-dir",
                    str(harness.TEST_DATA_DIR),
                    "--run-dir",
                    str(self.run_dir),
                    "--smtp-port",
                    str(self.smtp_port),
                    "--no-cron",  # the clients run the crons by hand
                    "--",
                    "--log-level=info",
                ],
                cwd=harness.ROOT,
                env=_script_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                raise RuntimeError(f"scripts/cluster exited ({rc})\n{self.log_tail()}")
            if "READY" in self.log_file.read_text(errors="replace"):
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"scripts/cluster not ready in {timeout}s\n{self.log_tail()}"
        )

    def stop(self):
        if not self.proc:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the script stops its children
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


def _cluster_ports():
    """nginx's port and the nodes': PS_TEST_CLUSTER_PORT and the 4 after it
    when set, else free ones."""
    base = os.environ.get("PS_TEST_CLUSTER_PORT")
    if base:
        return int(base), [int(base) + i for i in range(1, 5)]
    ports = set()
    while len(ports) < 5:
        ports.add(harness.free_port())
    ports = list(ports)
    return ports[0], ports[1:]


@pytest.fixture(scope="module")
def odoo_cluster(restored_db, mailcatcher, logs_dir):
    """scripts/cluster serving restored_db: nginx + 2 nodes (--workers=2,
    proxy_mode, shared data_dir), mail to the mailcatcher, no cron."""
    port, node_ports = _cluster_ports()
    cluster = OdooCluster(
        db=restored_db,
        port=port,
        node_ports=node_ports,
        run_dir=logs_dir / "cluster",
        log_file=logs_dir / "cluster.log",
        smtp_port=mailcatcher.port,
    )
    try:
        cluster.start()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield cluster
    cluster.stop()


def test_cluster_default_topology(tmp_path):
    """scripts/cluster's defaults: two nodes in workers mode with proxy_mode,
    crons on node 1 only; nginx round-robin (no sticky sessions) over both
    nodes, /websocket to their gevent ports."""
    done = subprocess.run(
        [str(SCRIPTS / "cluster"), "--dry-run", "--run-dir", str(tmp_path)],
        cwd=harness.ROOT,
        env=_script_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    nodes = dict(
        line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line
    )
    for name, http, gevent, cron in (
        ("node1", "8081", "8082", "1"),
        ("node2", "8083", "8084", "0"),
    ):
        args = nodes[name].split()
        assert "--proxy-mode" in args
        assert args[args.index("--workers") + 1] == "2"
        assert args[args.index("--http-port") + 1] == http
        assert args[args.index("--gevent-port") + 1] == gevent
        assert args[args.index("--max-cron-threads") + 1] == cron
    site = re.sub(r"#.*", "", (tmp_path / "nginx" / "site.conf").read_text())
    upstreams = dict(re.findall(r"upstream (\w+) \{([^}]*)\}", site))
    assert re.findall(r"server (\S+);", upstreams["odoo_http"]) == [
        "127.0.0.1:8081",
        "127.0.0.1:8083",
    ]
    assert re.findall(r"server (\S+);", upstreams["odoo_websocket"]) == [
        "127.0.0.1:8082",
        "127.0.0.1:8084",
    ]
    assert not re.search(r"^\s*(ip_hash|hash|sticky)\b", site, re.M), "sticky sessions"
    assert re.search(
        r"location /websocket \{[^}]*proxy_pass http://odoo_websocket;", site
    )


@pytest.mark.e2e
def test_session_of_one_node_is_valid_on_the_other(odoo_cluster):
    """Sessions live in the shared data_dir: logged in on node 1, the same
    cookie is logged in on node 2 (and through the balancer)."""
    customer = PortalClient(odoo_cluster.node_url(1))
    r = customer.login("client@example.com", "client")
    assert r.status_code == 200 and customer.is_logged_in(), r.url
    sid = customer.session.cookies.get("session_id")
    assert sid
    uid = customer.session_info().get("uid")
    assert uid

    def uid_on(url):
        r = requests.post(
            url + "/web/session/get_session_info",
            json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1},
            cookies={"session_id": sid},
            timeout=30,
        )
        return (r.json().get("result") or {}).get("uid")

    assert uid_on(odoo_cluster.node_url(2, "").rstrip("/")) == uid
    for _ in range(4):  # round-robin: both nodes answer in turn
        assert uid_on(odoo_cluster.base_url) == uid


@pytest.mark.e2e
def test_customer_journey_through_the_balancer(odoo_cluster, mailcatcher):
    """The whole journey of test_e2e_journey, through nginx: each request may
    land on either node; both serve a fair share of them."""
    before = (odoo_cluster.requests_served(1), odoo_cluster.requests_served(2))
    try:
        customer_journey(odoo_cluster, mailcatcher)
    except AssertionError as e:
        raise AssertionError(f"{e}\n{odoo_cluster.log_tail()}") from e
    served = [odoo_cluster.requests_served(n) - before[n - 1] for n in (1, 2)]
    total = sum(served)
    assert total > 30, served
    assert min(served) > total / 5, f"one node served almost nothing: {served}"
    # nginx saw both upstreams too
    upstreams = set(re.findall(r"upstream=(\S+)", odoo_cluster.access_log()))
    http1, _g1, http2, _g2 = odoo_cluster.node_ports
    assert {f"127.0.0.1:{http1}", f"127.0.0.1:{http2}"} <= upstreams, upstreams


@pytest.mark.e2e
def test_websocket_through_the_balancer(odoo_cluster):
    """/websocket is routed to the nodes' gevent processes, in turn."""
    ws_url = f"ws://127.0.0.1:{odoo_cluster.port}/websocket"
    for _ in range(4):
        ws = websocket.create_connection(
            ws_url, timeout=30, origin=odoo_cluster.base_url
        )
        try:
            assert ws.connected
        finally:
            ws.close()
    _h1, gevent1, _h2, gevent2 = odoo_cluster.node_ports
    deadline = time.monotonic() + 10
    while True:
        lines = [
            line
            for line in odoo_cluster.access_log().splitlines()
            if "/websocket" in line
        ]
        upstreams = set(re.findall(r"upstream=(\S+)", "\n".join(lines)))
        if {f"127.0.0.1:{gevent1}", f"127.0.0.1:{gevent2}"} <= upstreams:
            break
        assert time.monotonic() < deadline, lines
        time.sleep(0.5)
    assert all(" 101 " in line for line in lines), lines


# --------------------------------------------------------------------------
# The local PostgreSQL cluster (scripts/lib.sh)
# --------------------------------------------------------------------------
def test_previous_release_cluster_is_upgraded_in_place(tmp_path):
    """A cluster as the previous release made it (in .local/pgdata, trust,
    started with fsync=off) keeps its data when this release starts it, which
    then runs it with fsync on and requires the passwords it generated (kept
    in .local/pgpass, mode 600). A cluster of a PostgreSQL version that is
    not installed is refused, not started with other binaries."""
    # A project of its own (scripts/lib.sh only), reachable by the postgres
    # system user when run as root (as the previous release left projects).
    proj = Path(tempfile.mkdtemp(prefix="ps-ops-"))
    proj.chmod(0o755)
    (proj / "scripts").mkdir()
    shutil.copy(SCRIPTS / "lib.sh", proj / "scripts" / "lib.sh")
    pgdata = proj / ".local" / "pgdata"
    pgdata.mkdir(parents=True)
    pg_bin = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
    )[-1]
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(pgdata, "postgres", "postgres")
    pgdata.chmod(0o700)
    port = harness.free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PS_DB_", "PG"))}

    def run(cmd, **kw):
        kw.setdefault("env", env)
        return subprocess.run(
            [str(c) for c in cmd],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **kw,
        )

    def psql(sql, passfile="/nonexistent", db="postgres", user="odoo"):
        return run(
            ["psql", "-w", "-qAtX", "-h", "127.0.0.1", "-p", port, "-U", user]
            + ["-d", db, "-c", sql],
            env={**env, "PGPASSFILE": str(passfile)},
        )

    try:
        done = run(
            as_pg
            + [pg_bin / "initdb", "-D", pgdata, "-U", "postgres", "--auth=trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8"]
        )
        assert done.returncode == 0, done.stderr
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {pgdata} -c fsync=off"
        ctl = [*as_pg, pg_bin / "pg_ctl", "-D", pgdata, "-w", "-t", "60"]
        assert (
            run([*ctl, "-l", pgdata / "server.log", "-o", opts, "start"]).returncode
            == 0
        )
        assert psql("CREATE ROLE odoo LOGIN CREATEDB", user="postgres").returncode == 0
        assert psql("CREATE DATABASE kept").returncode == 0
        assert psql("CREATE TABLE t AS SELECT 42 AS x", db="kept").returncode == 0
        assert run([*ctl, "-m", "fast", "stop"]).returncode == 0

        done = run(
            ["bash", "-c", f'source scripts/lib.sh && pg_cluster_start app "{port}"'],
            cwd=proj,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "switching the app cluster to passwords" in done.stdout
        pgpass = proj / ".local" / "pgpass"
        assert oct(pgpass.stat().st_mode & 0o777) == "0o600"
        got = psql("SELECT x, current_setting('fsync') FROM t", pgpass, db="kept")
        assert got.stdout.split() == ["42|on"], got.stdout + got.stderr
        for user in ("odoo", "postgres"):  # no password, no entry
            denied = psql("SELECT 1", user=user)
            assert denied.returncode != 0 and "password" in denied.stderr

        # PG_VERSION says which server binaries run the cluster
        (tmp_path / "PG_VERSION").write_text("9\n")
        done = run(
            ["bash", "-c", f'source scripts/lib.sh && pg_bin_for "{tmp_path}"'],
            cwd=proj,
        )
        assert done.returncode != 0 and "PostgreSQL 9" in done.stderr, done.stderr
    finally:
        run([*as_pg, pg_bin / "pg_ctl", "-D", pgdata, "-m", "immediate", "stop"])
        shutil.rmtree(proj, ignore_errors=True)
