import logging

from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

# Per chart of accounts (a template code or one of its parents), the xmlids
# in that chart of:
#   service_tax        the sales tax of the service fee and of the transport
#                      (None: the company's default sales tax)
#   fee_account        income account of the service fee
#   transport_account  income account of the transport billed
#   article_account    pass-through account of the articles ("débours": goods
#                      bought in the customer's name and re-invoiced at cost,
#                      outside the VAT base; never revenue)
#   deposit_account    the down payments' account, when the chart sets none
#                      (Odoo then books deposits as revenue, on the products'
#                      income accounts)
#   hash_sale_journals lock the sales journals with Odoo's inalterability hash
# The articles never bear a tax. See README.md, "What accountants see".
PS_CHART_ACCOUNTING = {
    "fr": {
        # 20 % S: VAT on services, due on payment
        "service_tax": "tva_normale_encaissement",
        # 706000 Prestations de services
        "fee_account": "pcg_706",
        # 708500 Ports et frais accessoires facturés
        "transport_account": "pcg_7085",
        # 467000 Autres comptes débiteurs ou créditeurs
        "article_account": "pcg_467",
        "hash_sale_journals": True,
    },
    "syscohada": {
        # the company's sales VAT (ci, sn: 18 %)
        "service_tax": None,
        # 7061 Services vendus dans la Région
        "fee_account": "pcg_7061",
        # 7071 Ports, emballages perdus et autres frais facturés
        "transport_account": "pcg_7071",
        # 4711 Débiteurs divers
        "article_account": "pcg_4711",
        # 4191 Clients, avances et acomptes reçus
        "deposit_account": "pcg_4191",
    },
}


class ResCompany(models.Model):
    _inherit = "res.company"

    ps_deposit_percent = fields.Float(string="Deposit (%)", default=50.0)
    ps_service_fee_percent = fields.Float(string="Service fee (%)", default=10.0)
    ps_service_fee_min = fields.Monetary(
        string="Minimum service fee", currency_field="currency_id", default=10.0
    )
    ps_transport_percent = fields.Float(string="Estimated transport (%)", default=15.0)
    ps_transport_min = fields.Monetary(
        string="Minimum estimated transport", currency_field="currency_id", default=20.0
    )
    ps_proforma_validity_days = fields.Integer(
        string="Proforma validity (days)", default=7
    )
    # online helper: exchange rates of the final invoice (estimate mixin)
    ps_final_rate_purchase_day = fields.Boolean(
        string="Final invoice at the purchase day's rates",
        help="Off: the exchange rates shown on the proforma are locked when the "
        "customer accepts it and the final invoice uses them. On: the final "
        "invoice converts the shop prices at Odoo's rates of the day the "
        "articles are bought (the customer is told on the proforma).",
    )
    ps_reminder_days = fields.Integer(
        string="Reminder after (days)",
        default=3,
        help="Customers are reminded of unanswered proformas and unpaid invoices "
        "after this many days, and again every as many days.",
    )
    ps_proof_max_size = fields.Integer(
        string="Maximum payment proof size (MB)", default=10
    )
    ps_payment_instructions = fields.Html(
        string="How to pay",
        translate=True,
        sanitize=True,
        help="Shown on proformas, invoices e-mails and in the portal.",
    )
    ps_payment_journal_id = fields.Many2one(
        "account.journal",
        string="Journal for customer payments",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', id)]",
        help="Journal in which accepted payment proofs are registered. "
        "Defaults to the first bank journal.",
    )
    ps_service_fee_product_id = fields.Many2one(
        "product.product",
        string="Service fee product",
        default=lambda self: self.env.ref(
            "personal_shopper.product_service_fee", raise_if_not_found=False
        ),
    )
    ps_transport_product_id = fields.Many2one(
        "product.product",
        string="Transport product",
        default=lambda self: self.env.ref(
            "personal_shopper.product_transport", raise_if_not_found=False
        ),
    )

    # --- reading of the article pages (issue 13: autofill) ---
    ps_link_fetch_enabled = fields.Boolean(
        string="Read the shop's page of pasted links",
        default=True,
        help="The cart form fills the article's name, price and picture from "
        "the shop's page when the customer pastes a link.",
    )
    ps_link_fetch_allowed_domains = fields.Text(
        string="Only read pages of",
        help="Web sites (one per line or separated by commas) whose pages are "
        "read, their sub-domains included. Empty: any public web site.",
    )
    ps_link_fetch_blocked_domains = fields.Text(
        string="Never read pages of",
        help="Web sites (one per line or separated by commas) whose pages are "
        "never read, their sub-domains included.",
    )

    # --- storage and hand-over (issue 11: storage) ---
    ps_storage_free_days = fields.Integer(
        string="Free storage (days)",
        default=14,
        help="Days the goods are stored for free after their arrival.",
    )
    ps_storage_reminder_days = fields.Integer(
        string="Storage reminder (days before)",
        default=3,
        help="Customers are reminded this many days before their free storage "
        "ends (0: no reminder).",
    )
    ps_storage_fee_amount = fields.Monetary(
        string="Storage fee",
        currency_field="currency_id",
        default=2.0,
        help="Billed per day or per week begun after the free storage (0: free).",
    )
    ps_storage_fee_unit = fields.Selection(
        [("day", "Per day"), ("week", "Per week")],
        string="Storage fee unit",
        default="day",
        required=True,
    )
    ps_storage_product_id = fields.Many2one(
        "product.product",
        string="Storage fee product",
        default=lambda self: self.env.ref(
            "personal_shopper.product_storage_fee", raise_if_not_found=False
        ),
    )
    ps_delivery_price = fields.Monetary(
        string="Delivery price",
        currency_field="currency_id",
        default=10.0,
        help="Price of the delivery to the customer's address, billed at the "
        "hand-over (0: free).",
    )
    ps_delivery_product_id = fields.Many2one(
        "product.product",
        string="Delivery product",
        default=lambda self: self.env.ref(
            "personal_shopper.product_home_delivery", raise_if_not_found=False
        ),
    )
    ps_delivery_carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Delivery method",
        help="Optional: an Odoo delivery method (fixed price or based on rules, "
        "with its zone) prices the delivery to the customer's address instead "
        "of the delivery price above.",
    )
    ps_pickup_place = fields.Text(
        string="Pickup place",
        translate=True,
        help="Where customers pick up their goods (default: the company's address).",
    )
    ps_pickup_hours = fields.Text(
        string="Pickup opening hours",
        translate=True,
        help="Shown to customers who choose pickup.",
    )
    ps_handover_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Hand-over slots",
        help="Working schedule whose hours are the slots offered for delivery "
        "and pickup; its time off (public holidays) is closed. Default: the "
        "company's working hours.",
    )
    ps_handover_days_ahead = fields.Integer(
        string="Hand-over slots offered (days ahead)", default=14
    )

    # --- articles: unavailable, changed or partly bought (issue 10) ---
    ps_default_if_unavailable = fields.Selection(
        [
            ("alternative", "Buy the alternative"),
            ("skip", "Skip the article"),
            ("cancel", "Cancel the whole request"),
        ],
        string="If an article is unavailable",
        default="skip",
        help="Proposed to customers for each article they add to their cart.",
    )
    ps_price_tolerance_percent = fields.Float(
        string="Price rise accepted (%)",
        default=10.0,
        help="An article whose price rose by at most this share is bought "
        "without asking the customer again (shown to them at checkout).",
    )
    ps_min_available_percent = fields.Float(
        string="Minimum share available (%)",
        default=0.0,
        help="If less than this share of the articles' value can be bought, "
        "the request is cancelled and the customer refunded (0: no minimum).",
    )
    ps_refund_reminder_days = fields.Integer(
        string="Refund reminder after (days)",
        default=3,
        help="The team gets a to-do when a refund waits for more than this "
        "many days (0: never).",
    )

    # staffday: settings typed by the manager, refused when absurd
    @api.constrains(
        "ps_deposit_percent",
        "ps_service_fee_percent",
        "ps_service_fee_min",
        "ps_transport_percent",
        "ps_transport_min",
        "ps_proforma_validity_days",
        "ps_reminder_days",
        "ps_proof_max_size",
    )
    def _check_ps_settings(self):
        for company in self:
            percents = {
                _("Deposit"): company.ps_deposit_percent,
                _("Service fee"): company.ps_service_fee_percent,
                _("Estimated transport"): company.ps_transport_percent,
            }
            for label, value in percents.items():
                if not 0.0 <= value <= 100.0:
                    raise ValidationError(
                        _("%(setting)s must be between 0 and 100 %%.", setting=label)
                    )
            if company.ps_service_fee_min < 0 or company.ps_transport_min < 0:
                raise ValidationError(_("A minimum fee cannot be negative."))
            if company.ps_proforma_validity_days < 0 or company.ps_reminder_days < 0:
                raise ValidationError(_("A number of days cannot be negative."))
            if not 1 <= company.ps_proof_max_size <= 100:
                raise ValidationError(
                    _("The payment proof size must be between 1 and 100 MB.")
                )

    # logistics: how the transport of a shipment of several requests is billed
    ps_shipment_billing = fields.Selection(
        [
            ("split", "Split across the requests by chargeable weight"),
            ("single", "Billed on one request"),
        ],
        string="Transport of consolidated shipments",
        default="split",
        required=True,
    )

    def _ps_payment_journal(self):
        self.ensure_one()
        return self.ps_payment_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.id)], limit=1
        )

    def _ps_chart_accounting(self):
        """The PS_CHART_ACCOUNTING entry of the company's chart of accounts
        (or of its nearest parent chart), or {}."""
        self.ensure_one()
        ChartTemplate = self.env["account.chart.template"]
        for code in ChartTemplate._get_parent_template(self.chart_template or ""):
            if code in PS_CHART_ACCOUNTING:
                return PS_CHART_ACCOUNTING[code]
        return {}

    def _ps_setup_products_accounting(self):
        """Set, for each company, the taxes and income accounts of the service
        fee, transport and article products from its chart of accounts. The
        products are shared: only the company's own taxes and accounts change."""
        article = self.env.ref(
            "personal_shopper.product_remote_article", raise_if_not_found=False
        )
        if not article:
            return  # the addon's products are not loaded yet
        for company in self.sudo():
            setup = company._ps_chart_accounting()
            ChartTemplate = self.env["account.chart.template"].with_company(company)

            def chart_ref(key, setup=setup, ChartTemplate=ChartTemplate):
                xmlid = setup.get(key)
                return xmlid and ChartTemplate.ref(xmlid, raise_if_not_found=False)

            service_tax = chart_ref("service_tax") or company.account_sale_tax_id
            products = (
                (
                    company.ps_service_fee_product_id,
                    service_tax,
                    chart_ref("fee_account"),
                ),
                (
                    company.ps_transport_product_id,
                    service_tax,
                    chart_ref("transport_account"),
                ),
                # storage: a service like the fee; delivery: like transport
                (
                    company.ps_storage_product_id,
                    service_tax,
                    chart_ref("fee_account"),
                ),
                (
                    company.ps_delivery_product_id,
                    service_tax,
                    chart_ref("transport_account"),
                ),
                (article, self.env["account.tax"], chart_ref("article_account")),
            )
            deposit_account = chart_ref("deposit_account")
            if deposit_account and not self.env["ir.default"]._get(
                "product.category",
                "property_account_downpayment_categ_id",
                company_id=company.id,
            ):
                # as Odoo does for the charts that set it (sale/__init__.py)
                self.env["ir.default"].set(
                    "product.category",
                    "property_account_downpayment_categ_id",
                    deposit_account.id,
                    company_id=company.id,
                )
            for product, taxes, account in products:
                if not product:
                    continue
                template = product.product_tmpl_id.sudo()
                others = template.taxes_id.filtered(
                    lambda t, c=company: t.company_id != c
                )
                template.taxes_id = [Command.set((others | taxes).ids)]
                if account:
                    template.with_company(company).property_account_income_id = account

    def _ps_demo_setup_company(self, bank_account=None, l10n_values=None):
        """Demo data only: make the demo company the French business it is
        meant to be. With the French accounting localization installed
        (l10n_fr_account: ``scripts/run`` installs it with the addon), load
        the French chart of accounts (EUR, French VAT) in place of the generic
        one, with Odoo's accounting demo entries, move the pricelists and
        quotations to the new currency and lock the sales journals with Odoo's
        inalterability hash. Then the bank journal gets ``bank_account``, the
        fields of ``l10n_values`` that a localization adds (SIRET...) are set,
        and the taxes of the request's products follow the chart."""
        self.ensure_one()
        ChartTemplate = self.env["account.chart.template"].with_company(self)
        if bank_account:
            # Odoo's demo bank account gives way to the company's: the demo
            # entries of the new chart link the first one to the bank journal
            odoo_demo_bank = ChartTemplate.ref("demo_bank_1", raise_if_not_found=False)
            if odoo_demo_bank and odoo_demo_bank != bank_account:
                odoo_demo_bank.action_archive()
        fr_chart = ChartTemplate._get_chart_template_mapping().get("fr")
        if (
            fr_chart
            and self.chart_template != "fr"
            and self.env["ir.module.module"]._get(fr_chart["module"]).state
            == "installed"
        ):
            old_currency = self.currency_id
            # install_demo: Odoo's accounting demo entries again, on the new
            # chart (and no warning about loading a chart while modules are
            # being installed, which Odoo allows for demo data only)
            ChartTemplate.try_loading("fr", self, install_demo=True)
            self._ps_demo_follow_currency(old_currency)
        if bank_account:
            journal = self.env["account.journal"].search(
                [("company_id", "=", self.id), ("type", "=", "bank")], limit=1
            )
            if journal and journal.bank_account_id != bank_account:
                journal.bank_account_id = bank_account
        if l10n_values:
            self.write({k: v for k, v in l10n_values.items() if k in self._fields})
        self._ps_setup_accounting()
        return True

    def _ps_setup_accounting(self):
        """The accounting set-up of PS_CHART_ACCOUNTING for each company: the
        request's products, and the hash on the sales journals where the
        chart asks for it (France)."""
        self._ps_setup_products_accounting()
        for company in self:
            if company._ps_chart_accounting().get("hash_sale_journals"):
                self.env["account.journal"].search(
                    [("company_id", "=", company.id), ("type", "=", "sale")]
                ).restrict_mode_hash_table = True

    def _ps_demo_follow_currency(self, old_currency):
        """After a change of the company's currency: its pricelists, and the
        quotations and orders priced with them, take the new one."""
        if old_currency == self.currency_id:
            return
        pricelists = (
            self.env["product.pricelist"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", self.id),
                    ("currency_id", "=", old_currency.id),
                ]
            )
        )
        pricelists.currency_id = self.currency_id
        orders = self.env["sale.order"].search(
            [("company_id", "=", self.id), ("currency_id", "=", old_currency.id)]
        )
        # the order's currency is stored from its pricelist's
        self.env.add_to_compute(self.env["sale.order"]._fields["currency_id"], orders)
        orders.flush_recordset()
        _logger.info(
            "Demo company %s now in %s: %s pricelist(s), %s order(s)",
            self.name,
            self.currency_id.name,
            len(pricelists),
            len(orders),
        )
