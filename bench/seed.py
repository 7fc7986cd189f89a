# Seeding script of bench/run.py, run inside `odoo-bin shell` (``env`` is
# given). Idempotent per target: it tops the personal shopper orders up to
# BENCH_TARGET, in batches committed one by one. Pure ORM, no SQL.
import os
import random
import time

from odoo import Command

TARGET = int(os.environ["BENCH_TARGET"])
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "200"))
BATCH = 250
INVOICED_EVERY = 100  # one bulk order in a hundred gets a deposit invoice + proof
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cf0c000003010100c9fe92ef0000000049454e44ae426082"
)
ctx = dict(
    tracking_disable=True,
    mail_create_nolog=True,
    mail_notrack=True,
    mail_auto_subscribe_no_notify=True,
    mail_notify_force_send=False,
    no_reset_password=True,
)
env = env(context=dict(env.context, **ctx))  # noqa: F821 - given by odoo shell
rng = random.Random(TARGET)
t0 = time.time()
# Bulk data, as an import of past requests would be: created at their stage
# directly (ps_flow), which the addon refuses from any other path. The
# addon's create() records each request's first stage in its history.
SO = env["sale.order"].with_context(ps_flow=True)
Line = env["sale.order.line"]
product = env.ref("personal_shopper.product_remote_article")
company = env.company

# -- customers (the first one, bench.c000, is the measured one: it has a password)
logins = [f"bench.c{i:03d}@example.com" for i in range(CUSTOMERS)]
users = env["res.users"].search([("login", "in", logins)], order="login")
if not users:
    portal = env.ref("base.group_portal")
    users = env["res.users"].create(
        [
            {
                "name": f"Bench Customer {i:03d}",
                "login": login,
                "email": login,
                "groups_id": [Command.set(portal.ids)],
                "lang": "fr_FR",
            }
            for i, login in enumerate(logins)
        ]
    )
    users[0].password = "bench"
    env.cr.commit()
partners = users.partner_id
measured = users[0].partner_id


def order_values(partner, stage):
    state = {"proforma_sent": "sent", "cancelled": "cancel"}.get(stage, "draft")
    if stage in (
        "confirmed",
        "purchased",
        "in_transit",
        "arrived",
        "ready",
        "delivered",
    ):
        state = "sale"
    return {
        "partner_id": partner.id,
        "is_personal_shopper": True,
        "ps_stage": stage,
        "ps_stage_date": "2026-01-01 00:00:00",
        "state": state,
        "require_signature": False,
        "require_payment": False,
        "order_line": [
            Command.create(
                {
                    "product_id": product.id,
                    "ps_is_article": True,
                    "ps_article_name": f"Article {n}",
                    "ps_article_url": f"https://shop{n}.example.com/item/"
                    f"{rng.randint(1, 10**6)}",
                    "name": f"Article {n}",
                    "product_uom_qty": rng.randint(1, 5),
                    "price_unit": 0.0
                    if stage in ("cart", "proforma_requested")
                    else rng.randint(5, 300),
                }
            )
            for n in range(3)
        ],
    }


def history(orders):
    env["personal.shopper.stage.history"].create(
        [
            {"order_id": o.id, "stage": o.ps_stage, "date": "2026-01-01 00:00:00"}
            for o in orders
        ]
    )


def invoice_with_proof(order):
    """Deposit invoice through the real flow, then a portal proof."""
    order._ps_accept_proforma()
    attachment = env["ir.attachment"].create(
        {
            "name": "proof.png",
            "raw": PNG,
            "res_model": "sale.order",
            "res_id": order.id,
        }
    )
    order._ps_add_proof(attachment, source="portal")


STAGES = [
    ("proforma_requested", 25),
    ("proforma_sent", 20),
    ("confirmed", 5),
    ("purchased", 5),
    ("in_transit", 10),
    ("arrived", 5),
    ("ready", 5),
    ("delivered", 15),
    ("cancelled", 10),
]
names, weights = zip(*STAGES)

# (the demo data has personal shopper orders of its own)
if not SO.search_count([("partner_id", "=", measured.id)]):
    # one cart per customer; the measured customer's own fixed set of orders
    carts = SO.create([order_values(p, "cart") for p in partners])
    history(carts)
    own = SO.create([order_values(measured, s) for s in names])
    for _i in range(3):
        order = SO.create(order_values(measured, "proforma_sent"))
        invoice_with_proof(order)
    env.cr.commit()
existing = SO.search_count([("is_personal_shopper", "=", True)])

others = partners - measured
created = 0
while existing < TARGET:
    size = min(BATCH, TARGET - existing)
    stages = rng.choices(names, weights, k=size)
    batch = SO.create(
        [order_values(others[rng.randrange(len(others))], s) for s in stages]
    )
    for order in batch[::INVOICED_EVERY]:
        if order.ps_stage == "proforma_sent":
            invoice_with_proof(order)
    env.cr.commit()
    existing += size
    created += size
    print(f"[seed] {existing}/{TARGET} orders ({time.time() - t0:.0f}s)", flush=True)

print(
    f"[seed] done: {SO.search_count([('is_personal_shopper', '=', True)])} orders, "
    f"{created} created in {time.time() - t0:.0f}s",
    flush=True,
)
