from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

CONDITIONS = [("ok", "OK"), ("damaged", "Damaged"), ("wrong", "Wrong item")]
DECISIONS = [("accept", "Keep it"), ("return", "Return it"), ("refund", "Refund it")]


class PersonalShopperReception(models.Model):
    """What the warehouse received of a request: per parcel or per article,
    the quantity, its condition, its weight and dimensions (the base of the
    transport price) and a photo the customer sees in the portal. A damaged
    or wrong article waits for the customer's decision (keep, return, refund)."""

    _name = "personal.shopper.reception"
    _description = "Personal Shopper Reception"
    _order = "order_id, date, id"

    order_id = fields.Many2one(
        "sale.order",
        string="Request",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("is_personal_shopper", "=", True)],
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    line_id = fields.Many2one(
        "sale.order.line",
        string="Article",
        ondelete="set null",
        domain="[('order_id', '=', order_id), ('ps_is_article', '=', True)]",
        help="Leave empty for a parcel holding several articles.",
    )
    date = fields.Datetime(string="Received on", default=fields.Datetime.now)
    quantity = fields.Float(
        string="Received quantity", default=1.0, digits="Product Unit of Measure"
    )
    condition = fields.Selection(CONDITIONS, required=True, default="ok")
    weight = fields.Float(string="Weight (kg)", digits="Stock Weight")
    package_length = fields.Float(string="Length (cm)")
    package_width = fields.Float(string="Width (cm)")
    package_height = fields.Float(string="Height (cm)")
    volume = fields.Float(
        string="Volume (cm³)", compute="_compute_volume", store=True, digits=(16, 0)
    )
    photo = fields.Image(max_width=1920, max_height=1920)
    note = fields.Text(string="Remark", help="Shown to the customer.")
    decision = fields.Selection(
        DECISIONS, string="Customer's decision", readonly=True, copy=False
    )
    decision_date = fields.Datetime(readonly=True, copy=False)
    decision_needed = fields.Boolean(compute="_compute_decision_needed")

    @api.depends("package_length", "package_width", "package_height")
    def _compute_volume(self):
        for reception in self:
            reception.volume = (
                reception.package_length
                * reception.package_width
                * reception.package_height
            )

    @api.depends("condition", "decision")
    def _compute_decision_needed(self):
        for reception in self:
            reception.decision_needed = (
                reception.condition != "ok" and not reception.decision
            )

    @api.constrains(
        "quantity", "weight", "package_length", "package_width", "package_height"
    )
    def _check_measures(self):
        for reception in self:
            if (
                min(
                    reception.quantity,
                    reception.weight,
                    reception.package_length,
                    reception.package_width,
                    reception.package_height,
                )
                < 0
            ):
                raise ValidationError(
                    _("Quantities, weights and dimensions cannot be negative.")
                )

    @api.constrains("line_id", "order_id")
    def _check_line(self):
        for reception in self:
            if reception.line_id and reception.line_id.order_id != reception.order_id:
                raise ValidationError(
                    _("The article must belong to the request it is received for.")
                )

    @api.depends("order_id", "line_id")
    def _compute_display_name(self):
        for reception in self:
            reception.display_name = (
                reception.line_id.ps_article_name
                or reception.line_id.name
                or _("Parcel of %s", reception.order_id.name)
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["sale.order"]._ps_check_staff()
        receptions = super().create(vals_list)
        receptions.filtered(lambda r: r.condition != "ok")._ps_ask_decision()
        return receptions

    def write(self, vals):
        self.env["sale.order"]._ps_check_staff()
        before = {reception: reception.condition for reception in self}
        if "condition" in vals:
            # a new condition asks the customer again
            vals = dict(vals, decision=False, decision_date=False)
        result = super().write(vals)
        self.filtered(
            lambda r: r.condition != "ok" and before[r] != r.condition
        )._ps_ask_decision()
        return result

    def _ps_condition_label(self):
        self.ensure_one()
        return dict(self._fields["condition"]._description_selection(self.env))[
            self.condition
        ]

    def _ps_ask_decision(self):
        """Tell the customer (e-mail, in their language) that an article needs
        their decision in the portal."""
        for reception in self:
            order = reception.order_id
            customer_self = reception.with_context(lang=order.partner_id.lang)
            body = Markup("<p>%s</p>") % _(
                "%(article)s was received in the following condition: "
                "%(condition)s. Please tell us on your order page whether you "
                "keep it, want it returned or refunded.",
                article=customer_self.display_name,
                condition=customer_self._ps_condition_label(),
            )
            order.message_subscribe(partner_ids=order.partner_id.ids)
            order.sudo().with_context(lang=order.partner_id.lang).message_post(
                body=body, subtype_xmlid="mail.mt_comment"
            )

    def _ps_record_decision(self, decision):
        """The customer's decision on a damaged or wrong article: recorded on
        the reception and handed to the staff as a to-do. A refund follows the
        money rules of the articles' outcomes (the article is no longer
        billed, what was paid beyond is given back: see the request's
        ``_ps_refund_received_articles``); a parcel without its article is
        left to the staff."""
        self.ensure_one()
        if decision not in dict(DECISIONS):
            raise UserError(_("Choose to keep, return or have the article refunded."))
        if not self.decision_needed:
            raise UserError(_("No decision is awaited on this article."))
        self.sudo().write(
            {"decision": decision, "decision_date": fields.Datetime.now()}
        )
        # the decision is written by the customer (sudo): not a staff write
        order = self.order_id
        label = dict(self._fields["decision"]._description_selection(self.env))[
            decision
        ]
        order.sudo()._ps_schedule_staff_activity(
            _("Customer's decision on %s", order.name),
            _(
                "%(article)s (%(condition)s): the customer chose “%(decision)s”.",
                article=self.display_name,
                condition=self._ps_condition_label(),
                decision=label,
            ),
        )
        if decision == "refund" and self.line_id:
            # the customer's choice moves money: credit notes posted as
            # OdooBot, as sale's payment transactions send their invoices
            # (Odoo checks the real user's access when it hashes a posted
            # entry; a portal user has none)
            money = order.with_user(SUPERUSER_ID).with_company(order.company_id)
            money._ps_refund_received_articles(
                self.line_id.with_env(money.env), self._ps_condition_label()
            )
        return True
