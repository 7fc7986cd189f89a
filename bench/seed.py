# Seeding script of bench/run.py, run inside `odoo-bin shell` (``env`` is
# given). Idempotent per target: it tops the personal shopper orders up to
# BENCH_TARGET, in batches committed one by one. Pure ORM, no SQL.
import os
import random
import time
from datetime import datetime, timedelta

from odoo import Command

TARGET = int(os.environ["BENCH_TARGET"])
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "200"))
# the heavy customer (bench.heavy): its requests and the articles of its cart;
# the plain Odoo customer (bench.plain): its ordinary sale orders
HEAVY_REQUESTS = int(os.environ.get("BENCH_HEAVY_REQUESTS", "2000"))
HEAVY_LINES = int(os.environ.get("BENCH_HEAVY_LINES", "50"))
PLAIN_ORDERS = int(os.environ.get("BENCH_PLAIN_ORDERS", "2000"))
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


def order_values(partner, stage, lines=3, date=None):
    state = {"proforma_sent": "sent", "cancelled": "cancel"}.get(stage, "draft")
    if stage in (
        "confirmed",
        "purchased",
        "in_transit",
        "arrived",
        "ready",
        "delivered",
        "balance_pending",
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
        **({"date_order": date} if date else {}),
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
            for n in range(lines)
        ],
    }


def dates(count, start=datetime(2026, 1, 1)):
    """``count`` distinct order dates, newest first (an hour apart): a
    customer's history spans time, its lists have a stable order."""
    return [start - timedelta(hours=i) for i in range(count)]


def history(orders):
    env["personal.shopper.stage.history"].create(
        [
            {"order_id": o.id, "stage": o.ps_stage, "date": "2026-01-01 00:00:00"}
            for o in orders
        ]
    )


def follow(orders):
    """Each customer follows its orders, as when they are sent to it (sale's
    portal shows a customer the orders it follows)."""
    env["mail.followers"].create(
        [
            {"res_model": "sale.order", "res_id": o.id, "partner_id": o.partner_id.id}
            for o in orders
        ]
    )
    return orders


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
    ("balance_pending", 5),
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
    own = follow(
        SO.create(
            [
                order_values(measured, s, date=d)
                for s, d in zip(names, dates(len(names)), strict=True)
            ]
        )
    )
    for _i in range(3):
        order = follow(SO.create(order_values(measured, "proforma_sent")))
        invoice_with_proof(order)
    env.cr.commit()

# -- the heavy customer: HEAVY_REQUESTS requests at various stages, one of them
# with a deposit invoice and a proof (its order page is measured), and a cart
# of HEAVY_LINES articles; the plain customer: PLAIN_ORDERS sale orders
Users = env["res.users"]
heavy_user = Users.search([("login", "=", "bench.heavy@example.com")])
plain_user = Users.search([("login", "=", "bench.plain@example.com")])
if not heavy_user:
    portal = env.ref("base.group_portal")
    heavy_user, plain_user = Users.create(
        [
            {
                "name": name,
                "login": login,
                "email": login,
                "groups_id": [Command.set(portal.ids)],
                "lang": "fr_FR",
                "password": "bench",
            }
            for name, login in (
                ("Bench Heavy Customer", "bench.heavy@example.com"),
                ("Bench Plain Customer", "bench.plain@example.com"),
            )
        ]
    )
    heavy = heavy_user.partner_id
    cart = SO.create(order_values(heavy, "cart", lines=HEAVY_LINES))
    history(cart)
    heavy_dates = dates(HEAVY_REQUESTS)
    for start in range(0, HEAVY_REQUESTS - 1, BATCH):
        stages = rng.choices(names, weights, k=min(BATCH, HEAVY_REQUESTS - 1 - start))
        follow(
            SO.create(
                [
                    order_values(heavy, s, date=d)
                    for s, d in zip(stages, heavy_dates[start + 1 :], strict=False)
                ]
            )
        )
        env.cr.commit()
    # its newest request, as the ordinary customer's proof orders
    order = follow(SO.create(order_values(heavy, "proforma_sent", date=heavy_dates[0])))
    invoice_with_proof(order)
    env.cr.commit()
    print(f"[seed] heavy customer: {HEAVY_REQUESTS} requests", flush=True)

    plain = plain_user.partner_id
    Product = env["product.product"]
    ours = product | company.ps_service_fee_product_id | company.ps_transport_product_id
    item = Product.search(
        [("sale_ok", "=", True), ("type", "=", "consu"), ("id", "not in", ours.ids)],
        limit=1,
    )
    plain_dates = dates(PLAIN_ORDERS)
    for start in range(0, PLAIN_ORDERS, BATCH):
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": plain.id,
                    "date_order": d,
                    "state": "sale",
                    "require_signature": False,
                    "require_payment": False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": item.id,
                                "product_uom_qty": rng.randint(1, 5),
                                "price_unit": rng.randint(5, 300),
                            }
                        )
                        for _n in range(3)
                    ],
                }
                for d in plain_dates[start : start + BATCH]
            ]
        )
        # as action_confirm does: the customer follows its orders (the
        # portal lists the orders it follows)
        orders.message_subscribe(partner_ids=plain.ids)
        env.cr.commit()
    print(f"[seed] plain customer: {PLAIN_ORDERS} sale orders", flush=True)

# the size is the number of requests of the ordinary customers (the heavy
# customer's own are on top)
heavy_partner = heavy_user.partner_id
existing = SO.search_count(
    [("is_personal_shopper", "=", True), ("partner_id", "!=", heavy_partner.id)]
)

others = partners - measured
created = 0
while existing < TARGET:
    size = min(BATCH, TARGET - existing)
    stages = rng.choices(names, weights, k=size)
    batch = follow(
        SO.create([order_values(others[rng.randrange(len(others))], s) for s in stages])
    )
    for order in batch[::INVOICED_EVERY]:
        if order.ps_stage == "proforma_sent":
            invoice_with_proof(order)
    env.cr.commit()
    existing += size
    created += size
    print(f"[seed] {existing}/{TARGET} orders ({time.time() - t0:.0f}s)", flush=True)

print(
    f"[seed] done: {SO.search_count([('is_personal_shopper', '=', True)])} orders "
    f"({existing} of the ordinary customers), "
    f"{created} created in {time.time() - t0:.0f}s",
    flush=True,
)
