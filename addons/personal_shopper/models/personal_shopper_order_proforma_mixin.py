from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .. import const


class PersonalShopperOrderProformaMixin(models.AbstractModel):
    """From the request to the accepted proforma: staff price the articles,
    add the service fee and the estimated transport, send the proforma; the
    customer accepts it, which confirms the sale order and bills the deposit.

    The deposit share is Odoo's own ``prepayment_percent`` of the sale order
    (a fraction, defaulted from the company like any quotation's), and the
    validity Odoo's ``validity_date`` / ``is_expired``."""

    _name = "personal.shopper.order.proforma.mixin"
    _description = "Personal Shopper Request Proforma"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")
    ps_proforma_sent_date = fields.Datetime(
        string="Proforma sent on", copy=False, readonly=True
    )
    ps_deposit_amount = fields.Monetary(
        compute="_compute_ps_deposit_amount", string="Deposit due"
    )

    ps_is_priced = fields.Boolean(
        string="Priced",
        compute="_compute_ps_is_priced",
        help="Not a personal shopper request, or one whose proforma was sent: "
        "its amounts may be shown to the customer.",
    )

    @api.depends("is_personal_shopper", "ps_proforma_sent_date")
    def _compute_ps_is_priced(self):
        # Staff price a request, then send its proforma (which sets the date
        # before rendering the PDF it mails): until then its amounts are 0.
        for order in self:
            order.ps_is_priced = not order.is_personal_shopper or bool(
                order.ps_proforma_sent_date
            )

    @api.depends(
        "amount_total", "prepayment_percent", "ps_deposit_invoice_id.amount_total"
    )
    def _compute_ps_deposit_amount(self):
        # The deposit is Odoo's down payment: one line per tax group, with its
        # taxes computed on the deposit's base, as its invoice will have them.
        # A share of the rounded order total could differ by a cent from it.
        Wizard = self.env["sale.advance.payment.inv"]
        Tax = self.env["account.tax"]
        for order in self:
            if order.ps_deposit_invoice_id:
                order.ps_deposit_amount = order.ps_deposit_invoice_id.amount_total
                continue
            if not order.prepayment_percent or not order.order_line:
                order.ps_deposit_amount = 0.0
                continue
            wizard = Wizard.new(
                {
                    "advance_payment_method": "percentage",
                    "amount": order.prepayment_percent * 100.0,
                }
            )
            lines, _accounts = wizard._prepare_down_payment_lines_values(order)
            order.ps_deposit_amount = order.currency_id.round(
                sum(
                    Tax.browse(vals["tax_id"]).compute_all(
                        vals["price_unit"],
                        currency=order.currency_id,
                        partner=order.partner_id,
                    )["total_included"]
                    for vals in lines
                )
            )

    def action_ps_compute_fees(self):
        """(Re)compute the service fee and estimated transport lines from the
        company's rules: a percentage of the articles with a minimum."""
        self._ps_check_staff()
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(
                    _("Fees can only be computed before the proforma is accepted.")
                )
            company = order.company_id
            base = order.ps_articles_amount

            def minimum(amount, order=order, company=company):
                # the minimums are set in the company's currency
                return company.currency_id._convert(
                    amount,
                    order.currency_id,
                    company,
                    order.date_order or fields.Date.context_today(order),
                )

            order._ps_set_fee_line(
                company.ps_service_fee_product_id,
                max(
                    base * company.ps_service_fee_percent / 100.0,
                    minimum(company.ps_service_fee_min),
                ),
            )
            order._ps_set_fee_line(
                company.ps_transport_product_id,
                max(
                    base * company.ps_transport_percent / 100.0,
                    minimum(company.ps_transport_min),
                ),
            )
        return True

    def _ps_set_fee_line(self, product, amount):
        self.ensure_one()
        if not product:
            raise UserError(
                _("Configure the service fee and transport products first.")
            )
        amount = self.currency_id.round(amount)
        line = self.order_line.filtered(lambda line: line.product_id == product)[:1]
        if line:
            line.write({"price_unit": amount, "product_uom_qty": 1})
        else:
            self.env["sale.order.line"].create(
                {
                    "order_id": self.id,
                    "product_id": product.id,
                    "product_uom_qty": 1,
                    "price_unit": amount,
                    "sequence": 1000,
                }
            )

    def _ps_check_priced(self):
        for order in self:
            articles = order.order_line.filtered("ps_is_article")
            unpriced = articles.filtered(
                lambda line: (
                    float_compare(
                        line.price_unit,
                        0.0,
                        precision_rounding=order.currency_id.rounding,
                    )
                    <= 0
                )
            )
            if not articles or unpriced:
                raise UserError(
                    _(
                        "Set a price on every article of %s before sending "
                        "the proforma.",
                        order.name,
                    )
                )

    def action_ps_send_proforma(self):
        """E-mail the proforma (PDF) to the customer and publish it in the portal."""
        self._ps_check_staff()
        template = self.env.ref("personal_shopper.mail_template_ps_proforma")
        for order in self:
            order._ps_check_transition("proforma_sent")
            order._ps_check_priced()
            fee_products = (
                order.company_id.ps_service_fee_product_id
                | order.company_id.ps_transport_product_id
            )
            if not order.order_line.filtered(
                lambda line: line.product_id in fee_products
            ):
                order.action_ps_compute_fees()
            validity = order.company_id.ps_proforma_validity_days
            order.with_context(ps_flow=True).write(
                {
                    "validity_date": fields.Date.context_today(order)
                    + timedelta(days=validity)
                    if validity
                    else False,
                    "ps_proforma_sent_date": fields.Datetime.now(),
                    "state": "sent" if order.state == "draft" else order.state,
                }
            )
            order._ps_send_to_customer(template)
            order._ps_set_stage("proforma_sent", notify=False)
            order.activity_feedback(["personal_shopper.mail_activity_type_ps_todo"])
        return True

    def _ps_accept_proforma(self):
        """The customer accepts the proforma: confirm the order and issue the
        deposit (down payment) invoice."""
        self._ps_lock()
        if self.ps_stage != "proforma_sent":
            return False
        if self.is_expired:
            raise UserError(
                _(
                    "This proforma expired on %s: ask us for an updated one.",
                    tools.format_date(self.env, self.validity_date),
                )
            )
        self.sudo().with_context(ps_flow=True).action_confirm()
        invoice = self._ps_create_deposit_invoice()
        if not invoice:
            self._ps_set_stage("confirmed")
            return True
        self.with_context(ps_flow=True).ps_deposit_invoice_id = invoice
        self._ps_set_stage(const.pending_stage("deposit"), notify=False)
        self._ps_send_invoice(
            invoice, "personal_shopper.mail_template_ps_deposit_invoice"
        )
        return True

    def _ps_bank_account(self):
        """The company's bank account (res.partner.bank of the company's
        partner) customers pay to: the one Odoo puts on the customer invoices
        as their ``partner_bank_id``, asked to account.move itself so that the
        proforma, the portal and the invoices always show the same one."""
        self.ensure_one()
        company = self.company_id
        draft_invoice = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .new(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": self.partner_invoice_id.id,
                    "currency_id": self.currency_id.id,
                }
            )
        )
        return draft_invoice.partner_bank_id
