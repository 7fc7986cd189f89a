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

    @api.depends("company_id")
    def _compute_ps_activity_user_id(self):
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        for settings in self:
            settings.ps_activity_user_id = activity_type.default_user_id

    def _inverse_ps_activity_user_id(self):
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        for settings in self:
            activity_type.default_user_id = settings.ps_activity_user_id
