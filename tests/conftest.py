"""Session fixtures of the personal_shopper test suite.

Odoo runs as subprocesses (odoo-bin with the project's odoo.conf), against the
PostgreSQL server given by PS_DB_* (scripts/test starts the local one). Every
test database is new and uniquely named (ps_test_<pid>_<random>); all are
dropped at the end unless KEEP_DB=1. Logs go to .local/test-logs/latest/.

Fixtures:
    db_env          the PS_DB_* settings (dict)
    databases       harness.Databases: .new() reserves a database name
    run_odoo        harness.run_odoo(args, log_file, db=None, timeout=...)
    logs_dir        this session's log directory, .local/test-logs/<time>-<pid>
    mailcatcher     scripts/mailcatcher.py on a free port (session-wide):
                    .port, .messages(), .wait_for(predicate, timeout), .clear()
    installed_db    (db name, install log): a fresh database with the addon
                    (and harness.L10N_MODULES) installed, demo data and fr_FR
    odoo_server     an Odoo server in workers mode on installed_db:
                    .base_url, .db, .url(path), .log_text()
"""

import contextlib
import os
import shutil
import time

import pytest

import harness


def pytest_sessionstart(session):
    if session.config.option.collectonly or session.config.option.help:
        return
    problem = harness.check_prerequisites()
    if problem:
        # Loud and non-zero: this suite never skips for want of Odoo/PostgreSQL.
        pytest.exit(f"cannot run the tests: {problem}", returncode=3)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the Odoo server log's tail to the report of a failed test that
    used the server."""
    report = yield
    server = item.funcargs.get("odoo_server") if hasattr(item, "funcargs") else None
    if report.failed and server is not None:
        report.sections.append(("odoo server log", server.log_tail(200)))
    return report


@pytest.fixture(scope="session")
def db_env():
    return harness.db_env()


@pytest.fixture(scope="session")
def logs_dir():
    """.local/test-logs/<time>-<pid>/ (``latest`` points to it); the 5 most
    recent sessions' logs are kept."""
    base = harness.ROOT / ".local" / "test-logs"
    path = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    path.mkdir(parents=True)
    latest = base / "latest"
    with contextlib.suppress(OSError):
        latest.unlink(missing_ok=True)
        latest.symlink_to(path.name)
    sessions = sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink())
    for old in sessions[:-5]:
        shutil.rmtree(old, ignore_errors=True)
    return path


@pytest.fixture(scope="session")
def databases():
    dbs = harness.Databases()
    yield dbs
    kept = dbs.cleanup()
    if kept:
        print(f"\nKEEP_DB=1: kept test databases {', '.join(kept)}")


@pytest.fixture(scope="session")
def run_odoo():
    return harness.run_odoo


@pytest.fixture(scope="session")
def mailcatcher(tmp_path_factory, logs_dir):
    catcher = harness.MailCatcher(
        tmp_path_factory.mktemp("mail"), logs_dir / "mailcatcher.log"
    ).start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def installed_db(databases, logs_dir):
    """A fresh database with the addon installed, with the localizations of
    harness.L10N_MODULES (demo data, fr_FR): the one scripts/test prepared
    for the whole run (PS_TEST_DB), else a new one."""
    prepared = os.environ.get("PS_TEST_DB")
    if prepared:
        log_file = os.environ.get("PS_TEST_DB_LOG", "")
        if not databases.exists(prepared) or not os.path.isfile(log_file):
            pytest.fail(f"PS_TEST_DB={prepared} (log {log_file}) is missing")
        shutil.copy(log_file, logs_dir / "install.log")
        with open(log_file, encoding="utf-8") as f:
            return prepared, f.read()
    db = databases.new()
    log_file = logs_dir / "install.log"
    rc, log = harness.install_test_db(db, log_file)
    if rc != 0:
        pytest.fail(
            f"installing {harness.ADDON} in {db} failed (exit code {rc}); "
            f"full log: {log_file}\n{harness.relevant_lines(log)}",
            pytrace=False,
        )
    return db, log


@pytest.fixture(scope="session")
def odoo_server(installed_db, mailcatcher, logs_dir):
    """Odoo serving installed_db in workers mode (2 HTTP workers + gevent),
    mail going to the mailcatcher, no cron threads."""
    db, _log = installed_db
    server = harness.OdooServer(
        db,
        logs_dir / "server.log",
        args=[
            "--workers=2",
            "--smtp-port",
            str(mailcatcher.port),
            "--max-cron-threads=0",
            "--log-level=info",
        ],
    )
    try:
        server.start(ready_timeout=120)
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
    yield server
    server.stop()
