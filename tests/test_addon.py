"""A clean install and upgrade of the addon, and the upgrade of a database
built with the previous release: odoo-bin runs as a subprocess (see
conftest.py). The addon's own Odoo tests run through pytest-odoo, one pytest
item each (scripts/test, tests/pytest_odoo_server.py)."""

import pytest

import harness
from harness import ADDON, describe_problems, parse_log


def _explain(log, log_file):
    return (
        f"\n--- WARNING and above, FAIL/ERROR blocks, of {log_file} ---\n"
        + harness.relevant_lines(log, limit=200)
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


def _query(db, query, params=()):
    conn = harness._pg_connect(db)
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()
    finally:
        conn.close()


@pytest.mark.addon
def test_upgrade_from_previous_release(databases, logs_dir, tmp_path):
    """A database built with the previous release (demo data: requests at every
    stage, proofs, invoices, payments) upgrades to this one with nothing lost,
    and its requests enter the new rules (18.0.1.2.0's post-migrate.py):
    purchased articles bought as priced, the accepted estimates and rates
    kept, free storage of arrived requests starting at the upgrade."""
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
    before, deposits = _snapshot(db, "prepayment_percent")
    assert before["requests"][0] > 0 and before["proofs"][0] > 0
    rates = dict(
        _query(
            db,
            "SELECT l.id, l.ps_exchange_rate FROM sale_order_line l"
            " JOIN sale_order o ON o.id = l.order_id WHERE o.is_personal_shopper"
            " AND l.ps_shop_currency_id IS NOT NULL AND o.ps_final_invoice_id IS NULL"
            " AND o.ps_stage IN ('deposit_pending', 'deposit_review', 'confirmed',"
            " 'purchased', 'in_transit', 'arrived')",
        )
    )

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
    assert migrated == deposits

    [(installed_version,)] = _query(
        db, "SELECT latest_version FROM ir_module_module WHERE name = %s", (ADDON,)
    )
    assert installed_version == harness.addon_version()

    # purchased requests: every article bought as priced
    assert _query(
        db,
        "SELECT count(*) FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id"
        " WHERE o.is_personal_shopper AND l.ps_is_article AND o.ps_stage IN"
        " ('purchased', 'in_transit', 'arrived', 'balance_pending', 'balance_review',"
        " 'ready', 'delivered') AND l.ps_outcome IS DISTINCT FROM 'bought'",
    ) == [(0,)]
    # accepted, not invoiced: the rates the customer accepted are locked
    assert rates, "the demo data has accepted requests with shop currencies"
    locked = dict(
        _query(
            db,
            "SELECT id, ps_locked_exchange_rate FROM sale_order_line"
            " WHERE id = ANY(%s) AND ps_estimated",
            (list(rates),),
        )
    )
    assert locked == pytest.approx(rates)
    # arrived before the upgrade: free storage from the upgrade on
    [(arrived, early)] = _query(
        db,
        "SELECT count(*), count(*) FILTER (WHERE o.ps_storage_free_until"
        " < CURRENT_DATE + c.ps_storage_free_days)"
        " FROM sale_order o JOIN res_company c ON c.id = o.company_id"
        " WHERE o.is_personal_shopper AND o.ps_storage_free_until IS NOT NULL"
        " AND o.ps_stage NOT IN ('delivered', 'cancelled')",
    )
    assert arrived and not early
