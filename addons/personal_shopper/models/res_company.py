from odoo import fields, models


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

    def _ps_payment_journal(self):
        self.ensure_one()
        return self.ps_payment_journal_id or self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.id)], limit=1
        )
