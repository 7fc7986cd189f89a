from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ps_deposit_percent = fields.Float(
        related="company_id.ps_deposit_percent", readonly=False
    )
    ps_service_fee_percent = fields.Float(
        related="company_id.ps_service_fee_percent", readonly=False
    )
    ps_service_fee_min = fields.Monetary(
        related="company_id.ps_service_fee_min", readonly=False
    )
    ps_transport_percent = fields.Float(
        related="company_id.ps_transport_percent", readonly=False
    )
    ps_transport_min = fields.Monetary(
        related="company_id.ps_transport_min", readonly=False
    )
    ps_final_rate_purchase_day = fields.Boolean(
        related="company_id.ps_final_rate_purchase_day", readonly=False
    )
    ps_proforma_validity_days = fields.Integer(
        related="company_id.ps_proforma_validity_days", readonly=False
    )
    ps_reminder_days = fields.Integer(
        related="company_id.ps_reminder_days", readonly=False
    )
    ps_proof_max_size = fields.Integer(
        related="company_id.ps_proof_max_size", readonly=False
    )
    ps_payment_instructions = fields.Html(
        related="company_id.ps_payment_instructions", readonly=False
    )
    ps_payment_journal_id = fields.Many2one(
        related="company_id.ps_payment_journal_id", readonly=False
    )
    ps_service_fee_product_id = fields.Many2one(
        related="company_id.ps_service_fee_product_id", readonly=False
    )
    ps_transport_product_id = fields.Many2one(
        related="company_id.ps_transport_product_id", readonly=False
    )
    # --- reading of the article pages (issue 13: autofill) ---
    ps_link_fetch_enabled = fields.Boolean(
        related="company_id.ps_link_fetch_enabled", readonly=False
    )
    ps_link_fetch_allowed_domains = fields.Text(
        related="company_id.ps_link_fetch_allowed_domains", readonly=False
    )
    ps_link_fetch_blocked_domains = fields.Text(
        related="company_id.ps_link_fetch_blocked_domains", readonly=False
    )
    # --- storage and hand-over (issue 11: storage) ---
    ps_storage_free_days = fields.Integer(
        related="company_id.ps_storage_free_days", readonly=False
    )
    ps_storage_reminder_days = fields.Integer(
        related="company_id.ps_storage_reminder_days", readonly=False
    )
    ps_storage_fee_amount = fields.Monetary(
        related="company_id.ps_storage_fee_amount", readonly=False
    )
    ps_storage_fee_unit = fields.Selection(
        related="company_id.ps_storage_fee_unit", readonly=False
    )
    ps_storage_product_id = fields.Many2one(
        related="company_id.ps_storage_product_id", readonly=False
    )
    ps_delivery_price = fields.Monetary(
        related="company_id.ps_delivery_price", readonly=False
    )
    ps_delivery_product_id = fields.Many2one(
        related="company_id.ps_delivery_product_id", readonly=False
    )
    ps_delivery_carrier_id = fields.Many2one(
        related="company_id.ps_delivery_carrier_id", readonly=False
    )
    ps_pickup_place = fields.Text(related="company_id.ps_pickup_place", readonly=False)
    ps_pickup_hours = fields.Text(related="company_id.ps_pickup_hours", readonly=False)
    ps_handover_calendar_id = fields.Many2one(
        related="company_id.ps_handover_calendar_id", readonly=False
    )
    ps_handover_days_ahead = fields.Integer(
        related="company_id.ps_handover_days_ahead", readonly=False
    )
    # --- articles: unavailable, changed or partly bought (issue 10) ---
    ps_default_if_unavailable = fields.Selection(
        related="company_id.ps_default_if_unavailable", readonly=False
    )
    ps_price_tolerance_percent = fields.Float(
        related="company_id.ps_price_tolerance_percent", readonly=False
    )
    ps_min_available_percent = fields.Float(
        related="company_id.ps_min_available_percent", readonly=False
    )
    ps_refund_reminder_days = fields.Integer(
        related="company_id.ps_refund_reminder_days", readonly=False
    )
    # logistics
    ps_shipment_billing = fields.Selection(
        related="company_id.ps_shipment_billing", readonly=False
    )
    # The team's to-dos (price a proforma, check a proof, buy the articles)
    # go to the request's salesperson, else to the default user of the
    # personal shopper activity type (Odoo's own setting, edited here).
    ps_activity_user_id = fields.Many2one(
        "res.users",
        string="Team to-dos go to",
        compute="_compute_ps_activity_user_id",
        inverse="_inverse_ps_activity_user_id",
        readonly=False,
        domain=[("share", "=", False)],
    )

    # staffday: the journal actually used (the setting, else the first bank
    # journal) and the account of the deposits (Odoo's down payment account
    # of the company: the default of the product categories' field)
    ps_payment_journal_used_id = fields.Many2one(
        "account.journal",
        string="Journal used",
        compute="_compute_ps_payment_journal_used_id",
    )
    ps_deposit_account_id = fields.Many2one(
        "account.account",
        string="Deposits account",
        compute="_compute_ps_deposit_account_id",
        inverse="_inverse_ps_deposit_account_id",
        readonly=False,
        check_company=True,
        domain="[('account_type', 'in', "
        "('liability_current', 'income', 'income_other'))]",
        help="Account of the deposit invoices (Odoo's down payments), cleared by "
        "the final invoice. France: 4191 Clients - Avances et acomptes reçus "
        "sur commandes.",
    )

    @api.depends("company_id", "ps_payment_journal_id")
    def _compute_ps_payment_journal_used_id(self):
        for settings in self:
            settings.ps_payment_journal_used_id = (
                settings.ps_payment_journal_id
                or settings.company_id._ps_payment_journal()
            )

    @api.depends("company_id")
    def _compute_ps_deposit_account_id(self):
        for settings in self:
            account_id = self.env["ir.default"]._get(
                "product.category",
                "property_account_downpayment_categ_id",
                company_id=settings.company_id.id,
            )
            settings.ps_deposit_account_id = self.env["account.account"].browse(
                account_id
            )

    def _inverse_ps_deposit_account_id(self):
        for settings in self:
            self.env["ir.default"].set(
                "product.category",
                "property_account_downpayment_categ_id",
                settings.ps_deposit_account_id.id or False,
                company_id=settings.company_id.id,
            )

    @api.depends("company_id")
    def _compute_ps_activity_user_id(self):
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        for settings in self:
            settings.ps_activity_user_id = activity_type.default_user_id

    def _inverse_ps_activity_user_id(self):
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        for settings in self:
            activity_type.default_user_id = settings.ps_activity_user_id
