"""pytest plugin completing pytest-odoo for the addon's own Odoo tests.

scripts/test loads it (``-p pytest_odoo_server``) next to pytest-odoo, which
runs the Odoo tests of ``addons/personal_shopper/tests`` in this process on a
database prepared beforehand (``python tests/harness.py prepare <db>``): one
pytest item per test, selectable with ``-k``, failures shown at the test.

What pytest-odoo 2.1.3 does not do for Odoo 18, done here:

- HttpCase (url_open, browser tours) needs Odoo's HTTP server in this
  process. pytest-odoo's ``--odoo-http`` restarts and stops the whole server
  around each module, which fails on 18.0 (no assertion report outside a
  module install, port already bound): the HTTP thread is spawned once here,
  on the server object pytest-odoo already created.
- Odoo's runner tells the code which test runs (``odoo.modules.module.
  current_test``: test cursors check it, and code that must not commit or
  reach the network during tests reads it); pytest-odoo leaves it unset, so
  it is set here around each test, as odoo/tests/suite.py does.
- Odoo's own runner fails a run whose log has an ERROR (the subprocess suite
  checks it too): a test during which Odoo logs an ERROR or CRITICAL record
  (not muted by the test with ``mute_logger``/``assertLogs``) fails here.
"""

import logging

import pytest


def _not_the_import_warning(record):
    # pytest-odoo imports odoo.tests before the tests set test_enable (which
    # must stay off while the registry loads): Odoo then logs an ERROR meant
    # for business modules importing the test framework. Not one here.
    return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_not_the_import_warning)


@pytest.fixture(scope="session", autouse=True)
def odoo_http_server(load_registry):
    import odoo  # noqa: PLC0415 - Odoo is loaded by pytest-odoo first

    server = odoo.service.server.server
    if server is None:
        pytest.exit("pytest-odoo did not start Odoo (--odoo-database?)", returncode=3)
    if server.httpd is None:
        server.http_spawn()
    yield server
    server.httpd.shutdown()


@pytest.fixture(autouse=True)
def odoo_current_test(request):
    from odoo.modules import module  # noqa: PLC0415

    module.current_test = getattr(request.node, "_testcase", None) or True
    try:
        yield
    finally:
        module.current_test = False


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def odoo_error_logs_fail_the_test(request):
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records:
        lines = "\n".join(
            f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records[:20]
        )
        pytest.fail(
            f"Odoo logged {len(handler.records)} error(s) during the test:\n{lines}",
            pytrace=False,
        )


def pytest_collection_modifyitems(items):
    # `scripts/test -m addon` selects the addon's tests in both runs.
    for item in items:
        item.add_marker(pytest.mark.addon)
        item.add_marker(pytest.mark.odoo)
