import logging
import re
from datetime import datetime, timedelta

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.portal import (
    PS_CART_LINES_PER_PAGE,
    PS_CART_RECENT_REQUESTS,
    PS_HOME_LIST_LIMIT,
)
from .common import PersonalShopperCommon

_logger = logging.getLogger(__name__)

# more requests than a page of /my/requests (the portal's 80), more articles
# than a page of the cart: the bounds below are reached
MANY_REQUESTS = 130
MANY_ARTICLES = 45
FEW_ARTICLES = 2
# the stages of the requests created directly (as an import would: ps_flow)
STAGES = (
    "proforma_requested",
    "proforma_sent",
    "balance_pending",
    "in_transit",
    "delivered",
    "cancelled",
)


@tagged("post_install", "-at_install")
class TestPortalScale(HttpCase, PersonalShopperCommon):
    """Our portal pages cost the same whatever the customer's history: a
    customer with a few requests and a 2-article cart, another with
    MANY_REQUESTS requests and a MANY_ARTICLES-article cart; the SQL queries
    of each page are counted (as Odoo's perf tests do, on the test cursor)
    and what is shown is bounded and paged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many_user = new_test_user(
            cls.env,
            login="ps_many",
            name="Max Many",
            email="max.many@example.com",
            lang="en_US",
            groups="base.group_portal",
        )
        cls.many = cls.many_user.partner_id
        cls.many.write(
            {
                "mobile": "+33 6 98 76 54 32",
                "street": "3 rue de Rivoli",
                "city": "Paris",
                "zip": "75001",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        start = datetime(2026, 1, 1)
        # the few: one request at each stage; the many: MANY_REQUESTS of them
        cls.few_requests = cls._bulk_requests(cls.customer, len(STAGES), start)
        cls.many_requests = cls._bulk_requests(cls.many, MANY_REQUESTS, start)

    @classmethod
    def _bulk_requests(cls, partner, count, start):
        """``count`` requests of ``partner`` at the STAGES in turn, one day
        apart, created at their stage (as bench/seed.py does)."""
        product = cls.env.ref("personal_shopper.product_remote_article")
        orders = (
            cls.env["sale.order"]
            .with_context(ps_flow=True, tracking_disable=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "is_personal_shopper": True,
                        "ps_stage": STAGES[index % len(STAGES)],
                        "date_order": start + timedelta(days=index),
                        "require_signature": False,
                        "require_payment": False,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "ps_is_article": True,
                                    "ps_article_name": f"Past article {index}",
                                    "ps_article_url": "https://www.us-shop.example.com"
                                    f"/item/{index}",
                                    "name": f"Past article {index}",
                                    "product_uom_qty": 1,
                                    "price_unit": 10.0,
                                }
                            )
                        ],
                    }
                    for index in range(count)
                ]
            )
        )
        # the customer follows its requests, as when they are sent to it (the
        # portal shows the orders a customer follows)
        orders.message_subscribe(partner_ids=partner.ids)
        return orders

    def _queries(self, url):
        """SQL queries of one GET of ``url`` once warm (caches filled)."""
        for _i in range(2):
            self.assertEqual(self.url_open(url).status_code, 200, url)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return self.cr.sql_log_count - before, response.text

    def _measure(self, login, order):
        self.authenticate(login, login)
        return {
            url: self._queries(url.replace("<id>", str(order.id)))
            for url in (
                "/my",
                "/my/cart",
                "/my/requests",
                "/my/orders/<id>",
                "/my/cart/checkout",
            )
        }

    def test_query_counts_do_not_grow(self):
        few_order = self._make_order("proforma_sent")
        many_order = self._make_order("proforma_sent", partner=self.many)
        self._make_cart(self.customer, articles=FEW_ARTICLES)
        self._make_cart(self.many, articles=MANY_ARTICLES)
        few = self._measure("ps_customer", few_order)
        many = self._measure("ps_many", many_order)
        _logger.info(
            "queries (few / many): %s",
            ", ".join(f"{url} {few[url][0]} / {many[url][0]}" for url in few),
        )
        for url, (few_count, __) in few.items():
            with self.subTest(url=url):
                self.assertLessEqual(
                    many[url][0],
                    few_count,
                    f"{url}: {many[url][0]} queries for a customer with "
                    f"{MANY_REQUESTS} requests and {MANY_ARTICLES} articles, "
                    f"{few_count} for one with {len(STAGES)} and {FEW_ARTICLES}",
                )
        # what is shown is bounded too
        home = re.search(r'id="ps_balance_alert"(.*?)</ul>', many["/my"][1], re.S)
        self.assertEqual(
            home.group(1).count('class="alert-link"'), PS_HOME_LIST_LIMIT + 1
        )
        self.assertIn('id="ps_balance_more"', home.group(1))
        cart = many["/my/cart"][1]
        self.assertEqual(cart.count("o_ps_cart_line"), PS_CART_LINES_PER_PAGE)
        self.assertIn("My latest requests", cart)
        self.assertIn(f"See all my requests ({MANY_REQUESTS + 1})", cart)
        recent = re.search(r"My latest requests(.*?)ps_cart_all_requests", cart, re.S)
        self.assertEqual(
            len(re.findall(r"/my/orders/\d+", recent.group(1))),
            PS_CART_RECENT_REQUESTS,
        )
        requests = many["/my/requests"][1]
        self.assertEqual(requests.count('class="o_ps_request"'), 80)
        checkout = many["/my/cart/checkout"][1]
        self.assertIn(
            f"and {MANY_ARTICLES - PS_CART_LINES_PER_PAGE} more articles", checkout
        )
        # the few: everything on one page, no "more" link
        self.assertEqual(few["/my/cart"][1].count("o_ps_cart_line"), FEW_ARTICLES)
        self.assertNotIn('id="ps_cart_pager"', few["/my/cart"][1])
        self.assertNotIn('id="ps_checkout_more"', few["/my/cart/checkout"][1])

    def test_cart_pages(self):
        cart = self._make_cart(self.many, articles=MANY_ARTICLES)
        lines = cart.order_line.filtered("ps_is_article").sorted(
            lambda line: (line.sequence, line.id)
        )
        self.authenticate("ps_many", "ps_many")
        pages = {
            page: self.url_open(
                "/my/cart" if page == 1 else f"/my/cart/page/{page}"
            ).text
            for page in (1, 2, 3)
        }
        for page, text in pages.items():
            shown = [int(i) for i in re.findall(r'data-line-id="(\d+)"', text)]
            first = (page - 1) * PS_CART_LINES_PER_PAGE
            self.assertEqual(
                shown, lines[first : first + PS_CART_LINES_PER_PAGE].ids, page
            )
            self.assertIn('id="ps_cart_pager"', text)
        self.assertIn(
            f"Articles 41–{MANY_ARTICLES}",
            re.sub(r"\s+", " ", pages[3]),
        )
        # a page past the end shows the last one (as Odoo's pager does)
        self.assertIn(
            f'data-line-id="{lines[-1].id}"', self.url_open("/my/cart/page/9").text
        )

        # editing and removing on page 2 stay on page 2
        line = lines[PS_CART_LINES_PER_PAGE]
        response = self.url_open(
            f"/my/cart/line/{line.id}/update",
            data={"quantity": "7", "page": "2", "csrf_token": self._csrf()},
        )
        self.assertEqual(line.product_uom_qty, 7)
        self.assertTrue(
            response.url.endswith("/my/cart/page/2?message=article_updated"),
            response.url,
        )
        self.assertIn('id="ps_message_updated"', response.text)
        response = self.url_open(
            f"/my/cart/line/{line.id}/remove",
            data={"page": "2", "csrf_token": self._csrf()},
        )
        self.assertFalse(line.exists())
        self.assertTrue(
            response.url.endswith("/my/cart/page/2?message=article_removed"),
            response.url,
        )
        # an invalid quantity is shown on the line's page
        other = lines[PS_CART_LINES_PER_PAGE + 1]
        response = self.url_open(
            f"/my/cart/line/{other.id}/update",
            data={"quantity": "0", "page": "2", "csrf_token": self._csrf()},
        )
        self.assertIn(f'data-line-id="{other.id}"', response.text)
        self.assertIn("is-invalid", response.text)
        # the cart's own lines only, whatever the page says
        response = self.url_open(
            f"/my/cart/line/{self.few_requests[0].order_line[0].id}/remove",
            data={"page": "2", "csrf_token": self._csrf()},
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(self.few_requests[0].order_line)

    def _csrf(self):
        return http.Request.csrf_token(self)

    def test_requests_pages_sorting_filters(self):
        self.authenticate("ps_many", "ps_many")
        newest_first = self.many_requests.sorted(
            lambda o: (o.date_order, o.id), reverse=True
        )

        def shown(url):
            text = self.url_open(url).text
            ids = [int(i) for i in re.findall(r'href="/my/orders/(\d+)', text)]
            return [i for i in ids if i in self.many_requests.ids], text

        ids, text = shown("/my/requests")
        self.assertEqual(ids, newest_first[:80].ids)
        self.assertIn("/my/requests/page/2", text)
        ids, __ = shown("/my/requests/page/2")
        self.assertEqual(ids, newest_first[80:].ids)
        ids, __ = shown("/my/requests?sortby=oldest")
        self.assertEqual(ids, newest_first[::-1][:80].ids)
        ids, text = shown("/my/requests?filterby=your_turn")
        expected = newest_first.filtered(
            lambda o: o.ps_stage in ("proforma_sent", "balance_pending")
        )
        self.assertEqual(ids, expected[:80].ids)
        self.assertIn("portal_searchbar_filters", text)
        ids, __ = shown("/my/requests?filterby=closed")
        self.assertEqual(
            ids,
            newest_first.filtered(
                lambda o: o.ps_stage in ("delivered", "cancelled")
            ).ids,
        )
        target = self.many_requests[7]
        ids, __ = shown(f"/my/requests?search={target.name}&search_in=name")
        self.assertEqual(ids, target.ids)

    def test_orders_list_ties_broken_by_id(self):
        """sale's /my/orders sorts by date only: orders of the same date come
        in a stable order (id), and so do the order page's previous/next
        links read from that list."""
        orders = self._bulk_requests(self.many, 3, datetime(2026, 3, 1))
        orders.write({"date_order": datetime(2026, 3, 1), "state": "sale"})
        self.authenticate("ps_many", "ps_many")
        text = self.url_open("/my/orders").text
        shown = [
            int(i)
            for i in re.findall(r'href="/my/orders/(\d+)', text)
            if int(i) in orders.ids
        ]
        self.assertEqual(shown, sorted(orders.ids, reverse=True))

    # ------------------------------------------------------------------
    # Order page of a request (orderperf): its sections read their records
    # in a fixed number of queries, close to Odoo's own order page
    # ------------------------------------------------------------------
    def _ps_busy_request(self, articles, proofs, history):
        """A request awaiting its deposit (its deposit invoice issued) with
        ``articles`` articles, ``proofs`` payment proofs sent and
        ``history`` more rows in its stage history."""
        order = self._make_order("deposit_pending", articles=articles)
        for _i in range(proofs):
            self._submit_proof(order)
        self.env["personal.shopper.stage.history"].sudo().create(
            [
                {
                    "order_id": order.id,
                    "stage": "proforma_sent",
                    "date": datetime(2026, 2, 1) + timedelta(hours=index),
                }
                for index in range(history)
            ]
        )
        return order

    def _plain_order(self, partner):
        """An ordinary Odoo sale order of ``partner`` (bench/seed.py's)."""
        product = self.env["product.product"].create(
            {"name": "Plain product", "type": "consu", "list_price": 10.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "state": "sale",
                "require_signature": False,
                "require_payment": False,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "price_unit": 5,
                        }
                    )
                    for _n in range(3)
                ],
            }
        )
        order.message_subscribe(partner_ids=partner.ids)
        return order

    def test_order_page_queries_flat(self):
        # paid by bank transfer (no online payment provider, as in
        # bench/run.py): online payment adds Odoo's payment form, below
        Provider = self.env["payment.provider"]
        Provider.search([("state", "!=", "disabled")]).state = "disabled"
        small = self._ps_busy_request(articles=2, proofs=2, history=2)
        big = self._ps_busy_request(articles=10, proofs=10, history=10)
        plain = self._plain_order(self.customer)
        self.authenticate("ps_customer", "ps_customer")
        small_count, small_text = self._queries(f"/my/orders/{small.id}")
        big_count, big_text = self._queries(f"/my/orders/{big.id}")
        plain_count, __ = self._queries(f"/my/orders/{plain.id}")
        _logger.info(
            "order page queries: request %s (2 proofs), %s (10 proofs), "
            "Odoo's order %s",
            small_count,
            big_count,
            plain_count,
        )
        self.assertEqual(
            big_count,
            small_count,
            "the order page's queries grow with the proofs, history or articles",
        )
        self.assertLessEqual(small_count, plain_count + 4)
        # what is shown is all there
        for order, text, count in ((small, small_text, 2), (big, big_text, 10)):
            proofs = re.search(r'id="ps_proofs"(.*?)</table>', text, re.S).group(1)
            self.assertEqual(proofs.count("receipt.pdf"), count)
            articles = re.search(r'id="ps_articles"(.*?)</section>', text, re.S)
            self.assertEqual(
                articles.group(1).count("us-shop.example.com")
                + articles.group(1).count("uk-shop.example.com"),
                count,
            )
            self.assertIn('id="ps_payment"', text)
            self.assertIn(order.ps_deposit_invoice_id.name, text)
            timeline = re.search(r'id="ps_timeline"(.*?)</section>', text, re.S)
            self.assertIn('data-stage="deposit_review"', timeline.group(1))

        # with online payment (Odoo's demo provider, installed for the tests
        # by the harness): Odoo's payment form, the same for both requests
        if self.env["ir.module.module"]._get("payment_demo").state != "installed":
            return
        self.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        self.env.ref("payment.payment_provider_demo").write(
            {"state": "test", "is_published": True, "company_id": self.company.id}
        )
        small_count, small_text = self._queries(f"/my/orders/{small.id}")
        big_count, big_text = self._queries(f"/my/orders/{big.id}")
        _logger.info(
            "order page queries with online payment: %s (2 proofs), %s (10 proofs)",
            small_count,
            big_count,
        )
        self.assertIn('id="ps_pay_online"', small_text)
        self.assertIn('id="ps_pay_online"', big_text)
        self.assertEqual(big_count, small_count)
