"""Helpers of the pytest harness: Odoo runs as subprocesses, never in-process.

Everything here is plain Python so that test modules can import it
(``from harness import ...``); ``conftest.py`` wraps it in fixtures.

Knobs (environment variables):
    PS_DB_HOST / PS_DB_PORT / PS_DB_USER / PS_DB_PASSWORD
        PostgreSQL server (defaults: the project-local cluster of scripts/lib.sh).
    KEEP_DB=1          keep the test databases (and their filestores) at the end.
    PS_TEST_TIMEOUT    seconds allowed to an Odoo run with tests (default 1800)
    PS_INSTALL_TIMEOUT   and to an install/upgrade run (default 900). On timeout
                       Odoo dumps its threads' stacks into the log, then is killed.
    PS_TEST_ADDON      addon under test (default personal_shopper). Only to test
    PS_TEST_ADDONS_PATH  the harness itself against a throwaway addon kept in an
                       extra addons directory; leave both unset otherwise.
    PS_TEST_DB / PS_TEST_DB_LOG
                       a database installed by ``harness.py prepare`` (and its
                       install log) that the ``installed_db`` fixture reuses
                       instead of installing one; scripts/test sets them.

Command line (scripts/test):
    python tests/harness.py prepare DB LOG   install the addon as installed_db
                                             does, into new database DB
    python tests/harness.py odoo-tests DB [PYTEST ARGS]
                                             the addon's Odoo tests on DB,
                                             in-process through pytest-odoo
    python tests/harness.py drop DB          drop DB and its filestore
"""

import contextlib
import email
import email.policy
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
ODOO_BIN = ROOT / ".odoo" / "odoo-bin"
ODOO_CONF = ROOT / "odoo.conf"
MAILCATCHER = ROOT / "scripts" / "mailcatcher.py"
# Test databases get their filestore here, not in the app's .local/data.
TEST_DATA_DIR = ROOT / ".local" / "test-data"

ADDON = os.environ.get("PS_TEST_ADDON") or "personal_shopper"
# Installed with the addon, which depends on no fiscal localization: France
# (the demo company's, as scripts/run installs it) and Côte d'Ivoire on the
# OHADA chart, both used by the accounting tests (test_localizations.py).
L10N_MODULES = ("l10n_fr_account", "l10n_ci") if ADDON == "personal_shopper" else ()
# Installed for the addon's tests only, not dependencies: Odoo's demo payment
# provider (online payment of the deposit and final invoices,
# test_online_payment.py).
TEST_MODULES = ("payment_demo",) if ADDON == "personal_shopper" else ()
# the -i list of the test databases
INSTALL = ",".join((ADDON, *L10N_MODULES, *TEST_MODULES))
EXTRA_ADDONS_PATH = os.environ.get("PS_TEST_ADDONS_PATH", "")
KEEP_DB = os.environ.get("KEEP_DB") == "1"
TEST_TIMEOUT = int(os.environ.get("PS_TEST_TIMEOUT") or 1800)
INSTALL_TIMEOUT = int(os.environ.get("PS_INSTALL_TIMEOUT") or 900)
DB_PREFIX = "ps_test_"


def db_env():
    """The PS_DB_* settings, with the same defaults as scripts/lib.sh."""
    return {
        "PS_DB_HOST": os.environ.get("PS_DB_HOST") or "127.0.0.1",
        "PS_DB_PORT": os.environ.get("PS_DB_PORT") or "54329",
        "PS_DB_USER": os.environ.get("PS_DB_USER") or "odoo",
        "PS_DB_PASSWORD": os.environ.get("PS_DB_PASSWORD", ""),
    }


def free_port():
    """A TCP port nothing listens on right now (on 127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1", timeout=0.5):
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout):
        return True
    return False


def check_prerequisites():
    """Return None when Odoo and PostgreSQL can be had, else the reason why not."""
    if not PYTHON.exists():
        return f"no virtualenv at {PYTHON}: run scripts/setup (make setup)"
    if not ODOO_BIN.exists():
        return f"no Odoo at {ODOO_BIN} (the .odoo symlink): run scripts/setup"
    try:
        _pg_connect().close()
    except Exception as e:  # noqa: BLE001 - any failure is reported as is
        env = db_env()
        return (
            f"PostgreSQL at {env['PS_DB_HOST']}:{env['PS_DB_PORT']} "
            f"(user {env['PS_DB_USER']}) cannot be reached: {e}".strip()
            + "\n(run the tests with scripts/test, which starts the local cluster)"
        )
    return None


def _pg_connect(dbname="postgres"):
    import psycopg2  # from Odoo's requirements, in .venv

    env = db_env()
    conn = psycopg2.connect(
        host=env["PS_DB_HOST"],
        port=int(env["PS_DB_PORT"]),
        user=env["PS_DB_USER"],
        password=env["PS_DB_PASSWORD"] or None,
        dbname=dbname,
        connect_timeout=10,
    )
    conn.autocommit = True
    return conn


# --------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------
class Databases:
    """Hands out uniquely-named test databases and drops them at the end.

    A name is only reserved here: Odoo creates the database itself on the first
    ``-d NAME -i ...`` run (as ``odoo-bin`` does for any missing database).
    """

    def __init__(self, keep=KEEP_DB):
        self.keep = keep
        self.names = []

    def new(self):
        name = f"{DB_PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        self.names.append(name)
        return name

    def exists(self, name):
        conn = _pg_connect()
        try:
            with conn.cursor() as cr:
                cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                return bool(cr.fetchone())
        finally:
            conn.close()

    def drop(self, name):
        conn = _pg_connect()
        try:
            from psycopg2 import sql

            with conn.cursor() as cr:
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
        finally:
            conn.close()
        shutil.rmtree(TEST_DATA_DIR / "filestore" / name, ignore_errors=True)

    def cleanup(self):
        if self.keep:
            return list(self.names)
        for name in self.names:
            self.drop(name)
        return []


# --------------------------------------------------------------------------
# Running Odoo
# --------------------------------------------------------------------------
def odoo_command(args, db=None, addons_path=None):
    """odoo-bin with the project's odoo.conf, the PS_DB_* settings and ``args``.

    With ``db``: ``-d db`` and a db-filter matching only it (whatever
    odoo.conf's db_name/dbfilter say). Unless ``args`` choose
    them, the HTTP/gevent ports are free ones and outgoing mail goes to a port
    nobody listens on, so nothing clashes with a running `make run`.
    """
    env = db_env()
    cmd = [
        str(PYTHON),
        str(ODOO_BIN),
        "-c",
        str(ODOO_CONF),
        "--db_host",
        env["PS_DB_HOST"],
        "--db_port",
        env["PS_DB_PORT"],
        "--db_user",
        env["PS_DB_USER"],
        "--data-dir",
        str(TEST_DATA_DIR),
    ]
    if env["PS_DB_PASSWORD"]:
        cmd += ["--db_password", env["PS_DB_PASSWORD"]]
    if addons_path:
        cmd += ["--addons-path", addons_path]
    elif EXTRA_ADDONS_PATH:
        cmd += ["--addons-path", f".odoo/addons,addons,{EXTRA_ADDONS_PATH}"]
    if db:
        cmd += ["-d", db, "--db-filter", f"^{re.escape(db)}$"]

    def has(opt):
        return any(a == opt or a.startswith(opt + "=") for a in args)

    if not has("--http-port"):
        cmd += ["--http-port", str(free_port())]
    if not has("--gevent-port"):
        cmd += ["--gevent-port", str(free_port())]
    if not has("--smtp-port"):
        cmd += ["--smtp-port", str(free_port())]
    return cmd + list(args)


def _subprocess_env():
    env = dict(os.environ)
    # Logs must not be colourised (they are parsed), whatever the caller has.
    env.pop("ODOO_PY_COLORS", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # .venv/bin first, as in scripts/lib.sh: Odoo looks wkhtmltopdf up on PATH,
    # and the patched-Qt one of scripts/setup (report headers/footers) is there.
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH") or os.defpath])
    return env


def odoo_wkhtmltopdf():
    """The wkhtmltopdf the Odoo subprocesses use (None if none is found)."""
    return shutil.which("wkhtmltopdf", path=_subprocess_env()["PATH"])


def _spawn(cmd, out):
    """Start ``cmd`` from the project root, its output into the open file
    ``out``, in its own process group (killable as a whole)."""
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=_subprocess_env(),
        start_new_session=True,
    )


def _kill_group(proc, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _dump_hung(proc, out, timeout):
    """Before killing a hung Odoo: its threads' stacks (Odoo dumps them into
    its log on SIGQUIT) and its processes (a stuck wkhtmltopdf, chrome...)."""
    out.write(f"\n[harness] TIMEOUT after {timeout}s: stacks (SIGQUIT)\n".encode())
    out.flush()
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGQUIT)
    time.sleep(3)
    ps = subprocess.run(
        ["ps", "-o", "pid,etime,stat,args", "-g", str(proc.pid)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    out.write(f"[harness] processes still running:\n{ps}".encode())
    out.write(b"[harness] killed\n")
    out.flush()


def run_odoo(args, log_file, db=None, timeout=INSTALL_TIMEOUT, addons_path=None):
    """Run odoo-bin to completion from the project root.

    Output (stdout and stderr) goes to ``log_file``. Returns (returncode, log
    text). On timeout, the stacks of Odoo's threads are dumped into the log,
    the whole process group is killed and the return code is -9.
    """
    log_file = Path(log_file)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = odoo_command(args, db=db, addons_path=addons_path)
    with open(log_file, "wb") as out:
        out.write(("[harness] $ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = _spawn(cmd, out)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _dump_hung(proc, out, timeout)
            _kill_group(proc, signal.SIGKILL)
            proc.wait()
            rc = -9
        finally:
            if proc.poll() is None:  # interrupted (Ctrl-C): don't leave it behind
                _kill_group(proc, signal.SIGKILL)
                proc.wait()
    return rc, log_file.read_text(errors="replace")


class OdooServer:
    """An Odoo server subprocess (any options: workers mode included)."""

    def __init__(self, db, log_file, args=(), http_port=None, gevent_port=None):
        self.db = db
        self.log_file = Path(log_file)
        self.http_port = http_port or free_port()
        self.gevent_port = gevent_port or free_port()
        self.base_url = f"http://127.0.0.1:{self.http_port}"
        self.args = [
            "--http-port",
            str(self.http_port),
            "--gevent-port",
            str(self.gevent_port),
            *args,
        ]
        self.proc = None

    def start(self, ready_timeout=120):
        """Start, and wait until /web/login answers 200 (and, in workers mode,
        until the gevent process listens: it serves the websocket/bus)."""
        workers = any(
            a.startswith("--workers=") and a != "--workers=0" for a in self.args
        )
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        cmd = odoo_command(self.args, db=self.db)
        with open(self.log_file, "wb") as out:
            out.write(("[harness] $ " + " ".join(cmd) + "\n").encode())
            out.flush()
            self.proc = _spawn(cmd, out)
        deadline = time.monotonic() + ready_timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"Odoo server exited with code {self.proc.returncode} before "
                    f"answering\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url("/web/login"), timeout=10) as r:
                    if r.status == 200 and (not workers or port_open(self.gevent_port)):
                        return self
                    last = f"HTTP {r.status}" + (
                        ", gevent port closed" if r.status == 200 else ""
                    )
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code}"
            except (urllib.error.URLError, OSError) as e:
                last = str(e)
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"Odoo server not ready (/web/login answering 200"
            f"{', gevent port listening' if workers else ''}) within {ready_timeout}s "
            f"(last: {last})\n{self.log_tail()}"
        )

    def url(self, path="/"):
        return self.base_url + path

    def log_text(self):
        return (
            self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
        )

    def log_tail(self, lines=150):
        text = self.log_text().splitlines()[-lines:]
        return f"--- last {len(text)} lines of {self.log_file} ---\n" + "\n".join(text)

    def stop(self, timeout=30):
        """SIGTERM (graceful), then SIGKILL to the whole group (workers, gevent)."""
        if not self.proc:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # Workers and the gevent process share the group: make sure none is left.
        _kill_group(self.proc, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)


# --------------------------------------------------------------------------
# Mail catcher
# --------------------------------------------------------------------------
class MailCatcher:
    """scripts/mailcatcher.py on free ports, writing .eml files into ``maildir``."""

    def __init__(self, maildir, log_file):
        self.maildir = Path(maildir)
        self.log_file = Path(log_file)
        self.port = free_port()
        self.http_port = free_port()
        self.proc = None

    def start(self, timeout=15):
        self.maildir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "wb") as out:
            self.proc = _spawn(
                [
                    str(PYTHON),
                    str(MAILCATCHER),
                    "--smtp-port",
                    str(self.port),
                    "--http-port",
                    str(self.http_port),
                    "--maildir",
                    str(self.maildir),
                ],
                out,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"mailcatcher exited ({self.proc.returncode}):\n"
                    + self.log_file.read_text(errors="replace")
                )
            if port_open(self.port):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"mailcatcher did not listen on {self.port} in {timeout}s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def web_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def files(self):
        return sorted(self.maildir.glob("*.eml"))

    def messages(self):
        """Every message received so far (oldest first), as EmailMessage objects.

        The SMTP envelope is in the X-Envelope-From / X-Envelope-To headers.
        """
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in self.files()
        ]

    def clear(self):
        for p in self.files():
            p.unlink(missing_ok=True)

    def wait_for(self, predicate=lambda msg: True, timeout=30, poll=0.2):
        """First received message for which ``predicate(msg)`` is true.

        Raises AssertionError, listing what did arrive, after ``timeout`` s.
        """
        deadline = time.monotonic() + timeout
        while True:
            for msg in self.messages():
                if predicate(msg):
                    return msg
            if time.monotonic() >= deadline:
                got = [
                    f"{m.get('X-Envelope-To', m.get('To'))}: {m.get('Subject')}"
                    for m in self.messages()
                ]
                raise AssertionError(
                    f"no matching mail within {timeout}s; received {len(got)}: {got}"
                )
            time.sleep(poll)


# --------------------------------------------------------------------------
# Odoo log parsing
# --------------------------------------------------------------------------
# 2024-11-25 21:19:30,393 8102 WARNING dbname odoo.addons.x.models: message
LOG_RE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) "
    r"(?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[^\s:]+): (?P<msg>.*)$"
)
PROBLEM_LEVELS = ("WARNING", "ERROR", "CRITICAL")


@dataclass
class LogRecord:
    level: str
    logger: str
    message: str
    lines: list = field(default_factory=list)  # first line + continuation lines

    @property
    def text(self):
        return "\n".join(self.lines)


def parse_log(text):
    """Odoo log records; lines that start no record (tracebacks...) are
    continuation lines of the record before them."""
    records = []
    for line in text.splitlines():
        m = LOG_RE.match(line)
        if m:
            records.append(LogRecord(m["level"], m["logger"], m["msg"], [line]))
        elif records:
            records[-1].lines.append(line)
        else:
            records.append(LogRecord("", "", line, [line]))
    return records


def relevant_lines(text, limit=200):
    """The last ``limit`` lines of WARNING+ records (with their tracebacks);
    after a timeout, also what the log says from 20 lines before it on
    (stacks of Odoo's threads, processes left)."""
    head, marker, tail = text.partition("\n[harness] TIMEOUT")
    lines = []
    for rec in parse_log(head):
        if rec.level in PROBLEM_LEVELS or "FAIL:" in rec.message:
            lines.extend(rec.lines)
    out = "\n".join(lines[-limit:])
    if marker:
        before = "\n".join(head.splitlines()[-20:])
        after = "\n".join((marker.strip() + tail).splitlines()[:400])
        out += f"\n--- before the timeout ---\n{before}\n{after}"
    return out


# WARNING+ records known to come from Odoo itself or from the machine, never
# from our addon. A fresh install of our dependencies (sale_management, account,
# portal, mail, auth_signup; demo data; fr_FR) logs no warning at all on Odoo
# 18.0, so anything at WARNING or above in an install/upgrade log of ours is
# caused by the addon, unless it matches one of these patterns (keep it short,
# and say why for each).
BENIGN_WARNINGS = [
    # (regex on the whole record text, reason)
]

# What a warning that our addon causes typically says (for the report only).
GENERIC_ADDON_PATTERNS = re.compile(
    r"no access rules|Two fields|inconsistent|is not valid|Missing|"
    r"does not exist|unknown field|Field .* in view|deprecated|"
    r"Invalid|translat|_compute|compute method",
    re.IGNORECASE,
)


def problem_records(text, addon=ADDON):
    """WARNING/ERROR/CRITICAL records of an install/upgrade log that our addon
    may have caused: all of them except the BENIGN_WARNINGS that do not
    mention the addon."""
    found = []
    for rec in parse_log(text):
        if rec.level not in PROBLEM_LEVELS:
            continue
        ours = rec.logger.startswith(f"odoo.addons.{addon}") or addon in rec.text
        if not ours and any(re.search(p, rec.text) for p, _why in BENIGN_WARNINGS):
            continue
        found.append(rec)
    return found


def describe_problems(records, limit=100):
    out = []
    for rec in records:
        tag = []
        if rec.logger.startswith(f"odoo.addons.{ADDON}") or ADDON in rec.text:
            tag.append("mentions " + ADDON)
        if GENERIC_ADDON_PATTERNS.search(rec.text):
            tag.append("model/view/ACL problem")
        out.append(
            f"[{', '.join(tag) or 'unexpected'}] " + "\n    ".join(rec.lines[:30])
        )
    return "\n".join(out[:limit])


# --------------------------------------------------------------------------
# Releases
# --------------------------------------------------------------------------
def addon_version(rev=None):
    """The manifest version of the addon in the work tree or at ``rev``."""
    path = f"addons/{ADDON}/__manifest__.py"
    if rev is None:
        text = (ROOT / path).read_text()
    else:
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    return re.search(r'"version":\s*"([^"]+)"', text).group(1)


def previous_release(into):
    """Export the addon as it was in the newest commit whose manifest has
    another version than the work tree's (the last state of the previous
    release, which the databases in use were built with; not the commit that
    last touched the manifest, which may be older) into ``into``/<addon>.
    Return that version, or None when the history holds no earlier release
    (a shallow clone)."""
    current = addon_version()
    revs = subprocess.run(
        ["git", "rev-list", "--first-parent", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for rev in revs:
        version = addon_version(rev)
        if version != current:
            into = Path(into)
            into.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(
                ["git", "archive", rev, f"addons/{ADDON}"],
                cwd=ROOT,
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(
                ["tar", "-x", "--strip-components=1", "-C", str(into)],
                input=archive,
                check=True,
            )
            return version
    return None


# --------------------------------------------------------------------------
# Test database of a whole run (scripts/test)
# --------------------------------------------------------------------------
def install_test_db(db, log_file):
    """Install the addon and the localizations of its tests (demo data,
    fr_FR and en_US) into the new database ``db``; return (rc, log)."""
    return run_odoo(
        [
            "-i",
            INSTALL,
            "--load-language=fr_FR,en_US",
            "--stop-after-init",
            "--log-level=info",
        ],
        Path(log_file),
        db=db,
    )


def odoo_pytest_command(db, test_paths, args=(), addons_path=None):
    """pytest running the Odoo tests in ``test_paths`` in-process through
    pytest-odoo (and tests/pytest_odoo_server.py) on the installed database
    ``db``, with the PS_DB_* settings and free HTTP/gevent/SMTP ports: one
    pytest item per test. Run it from ROOT with ``odoo_pytest_env()``."""
    env = db_env()
    odoo = {
        "db_host": env["PS_DB_HOST"],
        "db_port": env["PS_DB_PORT"],
        "db_user": env["PS_DB_USER"],
        "data-dir": str(TEST_DATA_DIR),
        "http-port": free_port(),
        "gevent-port": free_port(),
        "smtp-port": free_port(),
        "db-filter": f"^{re.escape(db)}$",
    }
    if env["PS_DB_PASSWORD"]:
        odoo["db_password"] = env["PS_DB_PASSWORD"]
    cmd = [
        str(PYTHON),
        "-m",
        "pytest",
        # pytest.ini keeps pytest-odoo out of the tests/ run (-p no:odoo).
        "-o",
        "addopts=-ra --tb=short",
        "-p",
        "no:cacheprovider",
        "-p",
        "pytest_odoo_server",
        f"--odoo-database={db}",
        f"--odoo-config={ODOO_CONF}",
        "--odoo-log-level=warn",
    ]
    if addons_path or EXTRA_ADDONS_PATH:
        cmd.append(
            "--odoo-addons-path="
            + (addons_path or f".odoo/addons,addons,{EXTRA_ADDONS_PATH}")
        )
    for name, value in odoo.items():
        cmd += ["--odoo-extra", f"{name}={value}"]
    return cmd + [str(p) for p in test_paths] + list(args)


def odoo_pytest_env():
    env = _subprocess_env()
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "tests"), env.get("PYTHONPATH")) if p
    )
    return env


def main(argv):
    import sys  # noqa: PLC0415

    if len(argv) >= 2 and argv[0] == "odoo-tests":
        # odoo-tests DB [pytest args]: the addon's Odoo tests (scripts/test)
        cmd = odoo_pytest_command(
            argv[1], [ROOT / "addons" / ADDON / "tests"], ["-v", *argv[2:]]
        )
        return subprocess.run(
            cmd, cwd=ROOT, env=odoo_pytest_env(), check=False
        ).returncode

    if len(argv) == 3 and argv[0] == "prepare":
        db, log_file = argv[1], argv[2]
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        rc, log = install_test_db(db, log_file)
        if rc:
            print(relevant_lines(log), file=sys.stderr)
        return rc
    if len(argv) == 2 and argv[0] == "drop":
        Databases().drop(argv[1])
        return 0
    print(
        "usage: harness.py prepare DB LOG | odoo-tests DB [ARGS] | drop DB",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
