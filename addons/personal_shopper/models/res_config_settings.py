from odoo import fields, models


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
