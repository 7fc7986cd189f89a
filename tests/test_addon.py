"""The addon's own Odoo tests, and a clean install/upgrade.

Both run odoo-bin as a subprocess on fresh databases (see conftest.py).
"""

import pytest

import harness
from harness import ADDON, describe_problems, odoo_test_summary, parse_log


def _explain(log, log_file):
    return (
        f"\n--- WARNING and above, FAIL/ERROR blocks, of {log_file} ---\n"
        + harness.relevant_lines(log, limit=200)
    )


@pytest.mark.addon
def test_addon_unit_and_tour_tests(databases, logs_dir):
    """Install the addon on a new database with --test-tags /<addon>: its
    at_install and post_install tests (unit tests and browser tours) run, and
    all must pass, with no ERROR/CRITICAL log line."""
    db = databases.new()
    log_file = logs_dir / "addon-tests.log"
    rc, log = harness.run_odoo(
        [
            "-i",
            ADDON,
            # English is the tests' reference language; French is loaded
            # too so that translated rendering can be asserted.
            "--load-language=en_US,fr_FR",
            "--test-tags",
            f"/{ADDON}",
            "--stop-after-init",
            "--log-level=test",
        ],
        log_file,
        db=db,
        timeout=harness.TEST_TIMEOUT,
    )
    summary = odoo_test_summary(log)
    errors = [r for r in parse_log(log) if r.level in ("ERROR", "CRITICAL")]

    assert rc == 0, f"odoo-bin exited with {rc}" + _explain(log, log_file)
    assert summary is not None, (
        "no Odoo test summary ('N failed, N error(s) of N tests') in the log"
        + _explain(log, log_file)
    )
    failed, errored, count = summary
    assert (failed, errored) == (0, 0), (
        f"{failed} failed, {errored} error(s) of {count} tests"
        + _explain(log, log_file)
    )
    assert count > 0, f"no test of {ADDON} ran" + _explain(log, log_file)
    assert not errors, f"{len(errors)} ERROR/CRITICAL log record(s)" + _explain(
        log, log_file
    )


@pytest.mark.addon
def test_install_and_upgrade_clean(installed_db, logs_dir):
    """Installing (demo data, fr_FR) and then upgrading the addon logs no
    warning or error that the addon may have caused."""
    db, install_log = installed_db
    problems = harness.problem_records(install_log)
    assert not problems, (
        f"installing {ADDON} logged {len(problems)} warning(s)/error(s) "
        f"(full log: {logs_dir / 'install.log'}):\n" + describe_problems(problems)
    )

    log_file = logs_dir / "upgrade.log"
    rc, log = harness.run_odoo(
        ["-u", ADDON, "--stop-after-init", "--log-level=info"], log_file, db=db
    )
    assert rc == 0, f"upgrading {ADDON} exited with {rc}" + _explain(log, log_file)
    assert f"module {ADDON}: creating or updating database tables" in log, (
        "the upgrade did not update the module" + _explain(log, log_file)
    )
    problems = harness.problem_records(log)
    assert not problems, (
        f"upgrading {ADDON} logged {len(problems)} warning(s)/error(s) "
        f"(full log: {log_file}):\n" + describe_problems(problems)
    )
