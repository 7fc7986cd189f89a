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
            # with the localizations of the accounting tests
            harness.INSTALL,
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


def _snapshot(db, deposits_column=None):
    """What a database of real use holds: requests, proofs with their files,
    invoices and payments, and the deposit shares (read from
    ``deposits_column`` of the requests)."""
    conn = harness._pg_connect(db)
    try:
        with conn.cursor() as cr:
            counts = {}
            for name, query in {
                "requests": "SELECT count(*) FROM sale_order WHERE is_personal_shopper",
                "stages": "SELECT string_agg(ps_stage, ',' ORDER BY id) FROM sale_order"
                " WHERE is_personal_shopper",
                "history": "SELECT count(*) FROM personal_shopper_stage_history",
                "proofs": "SELECT count(*) FROM personal_shopper_payment_proof",
                "proof_files": "SELECT count(*) FROM ir_attachment a JOIN"
                " personal_shopper_payment_proof p ON p.attachment_id = a.id",
                "invoices": "SELECT count(*), sum(amount_total) FROM account_move"
                " WHERE move_type = 'out_invoice' AND state = 'posted'",
                "payments": "SELECT count(*), sum(amount) FROM account_payment",
                "users": "SELECT count(*) FROM res_users",
            }.items():
                cr.execute(query)
                counts[name] = cr.fetchone()
            deposits = {}
            if deposits_column:
                cr.execute(
                    f"SELECT id, {deposits_column} FROM sale_order"  # noqa: S608
                    " WHERE is_personal_shopper"
                )
                deposits = dict(cr.fetchall())
    finally:
        conn.close()
    return counts, deposits


@pytest.mark.addon
def test_upgrade_from_previous_release(databases, logs_dir, tmp_path):
    """A database built with the previous release (demo data: requests at every
    stage, proofs, invoices, payments) upgrades to this one with nothing lost,
    and its data is migrated (the deposit share to Odoo's prepayment_percent)."""
    previous = harness.previous_release(tmp_path / "previous")
    assert previous, "no earlier release in the git history (shallow clone?)"
    db = databases.new()
    rc, log = harness.run_odoo(
        ["-i", ADDON, "--load-language=fr_FR,en_US", "--stop-after-init"],
        logs_dir / "previous-release-install.log",
        db=db,
        addons_path=f".odoo/addons,{tmp_path / 'previous'}",
    )
    assert rc == 0, f"installing release {previous} failed" + _explain(
        log, logs_dir / "previous-release-install.log"
    )
    before, deposits = _snapshot(db, "ps_deposit_percent")
    assert before["requests"][0] > 0 and before["proofs"][0] > 0

    log_file = logs_dir / "previous-release-upgrade.log"
    rc, log = harness.run_odoo(["-u", ADDON, "--stop-after-init"], log_file, db=db)
    assert rc == 0, f"upgrading from {previous} exited with {rc}" + _explain(
        log, log_file
    )
    assert not [r for r in parse_log(log) if r.level in ("ERROR", "CRITICAL")], (
        _explain(log, log_file)
    )
    after, migrated = _snapshot(db, "prepayment_percent")
    assert after == before, f"data changed by the upgrade from {previous}"

    conn = harness._pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT latest_version FROM ir_module_module WHERE name = %s", (ADDON,)
            )
            installed_version = cr.fetchone()[0]
    finally:
        conn.close()
    assert installed_version == harness.addon_version()
    for order_id, percent in deposits.items():
        if percent is not None:
            assert migrated[order_id] == pytest.approx(percent / 100.0), order_id
