"""18.0.1.1.0: the deposit share of a request is Odoo's own
``sale.order.prepayment_percent`` (a fraction) instead of the addon's
``ps_deposit_percent`` (a percentage).

The addon's products lose their internal codes (``[PS-FEE]`` ...), which Odoo
printed in front of their names on the lines customers read: the products'
codes are cleared and the lines' descriptions stripped of them."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)


# The internal codes 18.0.1.0.0 gave the addon's products, as Odoo put them
# in front of the lines' descriptions ("[PS-FEE] Personal shopper service fee").
PRODUCT_CODES = {
    "personal_shopper.product_remote_article": "PS-ARTICLE",
    "personal_shopper.product_service_fee": "PS-FEE",
    "personal_shopper.product_transport": "PS-TRANSPORT",
}
LINE_CODE_PATTERN = r"^\[PS-(ARTICLE|FEE|TRANSPORT)\]\s*"


def _clear_product_codes(cr):
    """No internal code of the addon's products on what customers read: the
    products (noupdate data) lose theirs, and the descriptions of the order
    and invoice lines that carry one are stripped of it."""
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    for xmlid, code in PRODUCT_CODES.items():
        product = env.ref(xmlid, raise_if_not_found=False)
        # a code staff gave the product since is theirs
        if product and product.default_code == code:
            product.default_code = False
    for table in ("sale_order_line", "account_move_line"):
        cr.execute(
            SQL(
                "UPDATE %s SET name = regexp_replace(name, %s, '') WHERE name ~ %s",
                SQL.identifier(table),
                LINE_CODE_PATTERN,
                LINE_CODE_PATTERN,
            )
        )
        _logger.info(
            "personal_shopper: product code removed from %s %s", cr.rowcount, table
        )


def _fill_exchange_rates(cr):
    """Articles of requests not yet accepted whose shop currency came without
    its rate (the rate was only fetched when staff re-selected the currency):
    Odoo's rate of the order's date, as new lines get it."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    lines = env["sale.order.line"].search(
        [
            ("ps_is_article", "=", True),
            ("ps_shop_currency_id", "!=", False),
            ("ps_exchange_rate", "=", 0.0),
            ("order_id.state", "in", ("draft", "sent")),
        ]
    )
    env.add_to_compute(lines._fields["ps_exchange_rate"], lines)
    lines.flush_recordset(["ps_exchange_rate"])
    _logger.info(
        "personal_shopper: exchange rate set on %s article line(s)", len(lines)
    )


def migrate(cr, version):
    if not version:
        return
    _clear_product_codes(cr)
    _fill_exchange_rates(cr)
    if not sql.column_exists(cr, "sale_order", "ps_deposit_percent"):
        return
    cr.execute(
        """
        UPDATE sale_order
           SET prepayment_percent = ps_deposit_percent / 100.0
         WHERE is_personal_shopper AND ps_deposit_percent IS NOT NULL
        """
    )
    _logger.info("personal_shopper: deposit share moved to %s requests", cr.rowcount)
    # the range check of the old column goes with it
    cr.execute(
        "ALTER TABLE sale_order DROP CONSTRAINT IF EXISTS "
        "sale_order_ps_deposit_percent_range"
    )
    cr.execute(
        "DELETE FROM ir_model_constraint"
        " WHERE name = 'sale_order_ps_deposit_percent_range'"
    )
