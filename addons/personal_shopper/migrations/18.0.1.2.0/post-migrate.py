"""18.0.1.2.0: requests made by 18.0.1.1.0 enter the new rules without
changing what their customers were told.

- Articles of requests already purchased get the outcome "bought as priced"
  (the release before billed every article as priced): the new rules (an
  outcome for every article, frozen after the purchase; the estimate-vs-actual
  reasons) then hold for them too.
- Requests whose proforma was accepted and whose final invoice is not issued
  yet keep what the customer accepted, as a request accepted now does: the
  rate of each article (the one stored on its line) and its date, its
  quantity and total (``_ps_lock_estimate``). Those already invoiced have no
  estimate: their lines were changed by the final invoice (actual transport),
  and an estimate equal to the actual would be false.
- Storage: the free storage of a request that had already arrived starts at
  the upgrade, not at its arrival: no storage fee the customer was never told
  about.
"""

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields

_logger = logging.getLogger(__name__)

# The stages as 18.0.1.2.0 knows them, written out on purpose: a migration
# works on the data of its release, whatever const.py becomes later.
PURCHASED_STAGES = (
    "purchased",
    "in_transit",
    "arrived",
    "balance_pending",
    "balance_review",
    "ready",
    "delivered",
)
ACCEPTED_NOT_INVOICED = (
    "deposit_pending",
    "deposit_review",
    "confirmed",
    "purchased",
    "in_transit",
    "arrived",
)


def _outcomes(env):
    lines = env["sale.order.line"].search(
        [
            ("order_id.is_personal_shopper", "=", True),
            ("order_id.ps_stage", "in", PURCHASED_STAGES),
            ("ps_is_article", "=", True),
            ("ps_outcome", "=", False),
        ]
    )
    lines.sudo().with_context(ps_flow=True).write({"ps_outcome": "bought"})
    return len(lines)


def _estimates(env):
    orders = env["sale.order"].search(
        [
            ("is_personal_shopper", "=", True),
            ("ps_stage", "in", ACCEPTED_NOT_INVOICED),
            ("ps_final_invoice_id", "=", False),
        ]
    )
    for order in orders:
        lines = order.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and not line.ps_estimated
            )
        )
        if not lines:
            continue
        lines._ps_lock_estimate({line.id: line._ps_rate_date() for line in lines})
        order.sudo().with_context(ps_flow=True).write(
            {
                "ps_estimate_amount_total": sum(
                    order.order_line.filtered("ps_estimated").mapped(
                        "ps_estimate_price_total"
                    )
                ),
                "ps_estimate_deposit_amount": order.ps_deposit_amount,
            }
        )
    return len(orders)


def _storage_grace(env):
    today = fields.Date.context_today(env["res.users"].browse(SUPERUSER_ID))
    orders = env["sale.order"].search(
        [
            ("is_personal_shopper", "=", True),
            ("ps_storage_free_until", "!=", False),
            ("ps_stage", "not in", ("delivered", "cancelled")),
        ]
    )
    moved = 0
    for order in orders:
        grace = today + timedelta(days=order.company_id.ps_storage_free_days or 0)
        if order.ps_storage_free_until < grace:
            # a stored computed field, written once here: it is computed
            # again only if the arrival or the company's free days change
            env.cr.execute(
                "UPDATE sale_order SET ps_storage_free_until = %s WHERE id = %s",
                (grace, order.id),
            )
            moved += 1
    env["sale.order"].invalidate_model(["ps_storage_free_until"])
    return moved


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    _logger.info(
        "personal_shopper 18.0.1.2.0: %s article(s) marked bought as priced, "
        "%s accepted request(s) keep their estimate and rates, free storage "
        "of %s arrived request(s) starts today",
        _outcomes(env),
        _estimates(env),
        _storage_grace(env),
    )
