import re
from datetime import timedelta
from urllib.parse import quote

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import const
from .personal_shopper_order_article_mixin import PS_REFUND_FLOW_FIELDS

# Fields only the personal-shopper flow writes on a request (from its own
# methods, which set the ``ps_flow`` context key): a write from the Action
# menu, an import or XML-RPC would bypass the stage rules and the money.
PS_FLOW_FIELDS = {
    "is_personal_shopper",
    "ps_stage",
    "ps_stage_date",
    "state",
    "ps_deposit_invoice_id",
    "ps_final_invoice_id",
    # storage: hand-over choice and invoice
    "ps_handover_method",
    "ps_handover_start",
    "ps_handover_stop",
    "ps_handover_invoice_id",
}


class SaleOrder(models.Model):
    """A personal-shopper request is a sale order with ``is_personal_shopper``.

    Its behaviour is split by responsibility into abstract mixins: the stage
    machine, the cart, the proforma and the money (payments and proofs), the
    articles' outcomes, the estimate, the logistics, online payment and the
    customer's questions. This file is where Odoo's own sale.order meets that
    flow: every standard path that would change a request's state or money
    (confirm, cancel, invoice, send, stage writes, import, duplicate) goes
    through the flow or is refused.

    Overrides of Odoo's own sale.order methods live here, not in the mixins:
    listed after "sale.order" in ``_inherit``, the mixins come after sale's
    classes in the MRO, where such an override would never be reached.
    """

    _name = "sale.order"
    _inherit = [
        "sale.order",
        # before the stage, proforma and payment mixins, whose steps they
        # extend with super() (mark in transit/arrived/purchased, accept the
        # proforma, final invoice, paid), in this order
        "personal.shopper.order.logistics.mixin",
        "personal.shopper.order.article.mixin",
        "personal.shopper.order.question.mixin",
        "personal.shopper.order.online.payment.mixin",
        "personal.shopper.order.estimate.mixin",
        # storage: before the stage and payment mixins, whose steps they
        # extend (final invoice, delivered) with super()
        "personal.shopper.order.handover.mixin",
        "personal.shopper.order.storage.mixin",
        "personal.shopper.order.stage.mixin",
        "personal.shopper.order.cart.mixin",
        "personal.shopper.order.proforma.mixin",
        "personal.shopper.order.payment.mixin",
        # staffday: contacts, age, shops, amounts, folded columns, checks
        "personal.shopper.order.staff.mixin",
    ]

    is_personal_shopper = fields.Boolean(
        string="Personal shopper request", index=True, copy=False, readonly=True
    )
    ps_last_reminder_date = fields.Datetime(
        string="Last reminder", copy=False, readonly=True
    )
    ps_whatsapp_url = fields.Char(
        compute="_compute_ps_whatsapp_url", string="WhatsApp link"
    )

    def init(self):
        result = super().init()
        # One open cart per customer, even under concurrent requests.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sale_order_ps_one_cart_per_partner "
            "ON sale_order (partner_id) WHERE is_personal_shopper AND ps_stage = 'cart'"
        )
        return result

    # ------------------------------------------------------------------
    # Odoo's paths, kept inside the flow
    # ------------------------------------------------------------------
    def _ps_refuse_outside_flow(self, action):
        """Refuse ``action`` (a translated label) on personal-shopper requests
        unless the flow itself runs it."""
        if self.env.context.get("ps_flow"):
            return
        requests = self.filtered("is_personal_shopper")
        if requests:
            raise UserError(
                _(
                    "“%(action)s” is not available on personal shopper requests "
                    "(%(orders)s): use the buttons of the request, which follow "
                    "its stages.",
                    action=action,
                    orders=", ".join(requests.mapped("name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("ps_flow"):
            default = self.env.context.get("default_is_personal_shopper")
            for vals in vals_list:
                if vals.get("is_personal_shopper", default) or vals.get("ps_stage"):
                    self._ps_prepare_staff_request(vals)
        orders = super().create(vals_list)
        # the history starts at the request (a cart is not one yet)
        for order in orders.filtered(lambda o: o.ps_stage not in (False, "cart")):
            self.env["personal.shopper.stage.history"].sudo().create(
                {"order_id": order.id, "stage": order.ps_stage}
            )
        return orders

    @api.model
    def _ps_prepare_staff_request(self, vals):
        """A request created by staff (backend, import) for a customer: it
        starts where a submitted cart does, waiting for its proforma."""
        self._ps_check_staff()
        if (
            vals.get("ps_stage") not in (None, False, "proforma_requested")
            or vals.get("state", "draft") != "draft"
        ):
            raise UserError(
                _(
                    "A personal shopper request starts as a proforma request; "
                    "its stages then follow its steps."
                )
            )
        vals.update(
            {
                "is_personal_shopper": True,
                "ps_stage": "proforma_requested",
                "ps_stage_date": fields.Datetime.now(),
                "require_signature": False,
                "require_payment": False,
            }
        )

    def write(self, vals):
        if "ps_shipment_id" in vals and not self.env.context.get("ps_flow"):
            # logistics: the requests of a shipment on its way follow it
            shipment = self.env["personal.shopper.shipment"].browse(
                vals["ps_shipment_id"]
            )
            if (shipment and shipment.state != "draft") or any(
                order.ps_shipment_id.state not in (False, "draft") for order in self
            ):
                raise UserError(
                    _("The requests of a shipment that has left cannot change.")
                )
        if PS_REFUND_FLOW_FIELDS.intersection(vals) and not self.env.context.get(
            "ps_flow"
        ):
            # articles' outcomes: the refund follows the flow only
            self._ps_refuse_outside_flow(_("Change the refund"))
        if PS_FLOW_FIELDS.intersection(vals) and not self.env.context.get("ps_flow"):
            self._ps_refuse_outside_flow(_("Change the stage or the status"))
            if vals.get("is_personal_shopper"):
                raise UserError(
                    _("An existing quotation cannot become a personal shopper request.")
                )
        return super().write(vals)

    def copy_data(self, default=None):
        """A duplicated request is a new cart of the same customer with the
        same articles (to be priced again), never an ordinary quotation."""
        vals_list = super().copy_data(default=default)
        for order, vals in zip(self, vals_list):
            if not order.is_personal_shopper:
                continue
            if self._ps_get_cart(order.partner_id):
                raise UserError(
                    _(
                        "%s already has an open cart: add the articles to it "
                        "instead of duplicating the request.",
                        order.partner_id.display_name,
                    )
                )
            vals.update(self._ps_prepare_cart_values(order.partner_id))
            vals["order_line"] = [
                fields.Command.create(line_vals)
                for line_vals in order.order_line.filtered("ps_is_article").copy_data(
                    {"price_unit": 0.0, "ps_shop_price_unit": 0.0}
                )
            ]
        return vals_list

    def copy(self, default=None):
        return super(SaleOrder, self.with_context(ps_flow=True)).copy(default=default)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ps_request(self):
        for order in self.filtered("is_personal_shopper"):
            if order.ps_stage not in ("cart", "cancelled"):
                raise UserError(
                    _(
                        "%s is a personal shopper request in progress: cancel it "
                        "instead of deleting it.",
                        order.name,
                    )
                )

    def action_confirm(self):
        self._ps_refuse_outside_flow(_("Confirm"))
        return super().action_confirm()

    def action_cancel(self):
        requests = self.filtered("is_personal_shopper")
        if requests and not self.env.context.get("ps_flow"):
            if requests != self:
                raise UserError(
                    _("Cancel personal shopper requests apart from other orders.")
                )
            return requests.action_ps_cancel()
        return super().action_cancel()

    def _action_cancel(self):
        self._ps_refuse_outside_flow(_("Cancel"))
        return super()._action_cancel()

    def action_draft(self):
        self._ps_refuse_outside_flow(_("Set to quotation"))
        return super().action_draft()

    def action_quotation_send(self):
        self._ps_refuse_outside_flow(_("Send by e-mail"))
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._ps_refuse_outside_flow(_("Mark quotation as sent"))
        return super().action_quotation_sent()

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._ps_refuse_outside_flow(_("Create invoices"))
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    @api.depends("is_personal_shopper")
    def _compute_prepayment_percent(self):
        # The deposit of a request is Odoo's prepayment share of the order;
        # its default is the service's own setting (company's "Deposit (%)"),
        # not sale's prepayment for online quotations of the whole company.
        requests = self.filtered("is_personal_shopper")
        for order in requests:
            order.prepayment_percent = order.company_id.ps_deposit_percent / 100.0
        return super(SaleOrder, self - requests)._compute_prepayment_percent()

    @api.depends("state", "is_personal_shopper", "ps_proforma_sent_date")
    def _compute_type_name(self):
        # type_name names the document on the portal (breadcrumbs, title), in
        # the PDF's file name and in e-mails: never "Quotation" for a request.
        super()._compute_type_name()
        for order in self.filtered("is_personal_shopper"):
            if not order.ps_is_priced:
                order.type_name = _("Request")
            elif order.state != "sale":
                order.type_name = _("Proforma")

    def _get_report_base_filename(self):
        # the portal's download of a request is its proforma (controllers)
        if self.is_personal_shopper and self.ps_is_priced:
            return f"{_('Proforma')} {self.name}"
        return super()._get_report_base_filename()

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) != 1 or not self.is_personal_shopper:
            return groups
        # sale's "View Quotation" button: a request is no quotation
        for group_name, _group_filter, group_data in groups:
            if group_name == "portal_customer" and self.state != "sale":
                group_data.setdefault("button_access", {})["title"] = _(
                    "View my request"
                )
        return groups

    def _get_portal_return_action(self):
        if self.is_personal_shopper:
            return self.env.ref("personal_shopper.action_personal_shopper_order")
        return super()._get_portal_return_action()

    # ------------------------------------------------------------------
    # Talking to the customer and the staff
    # ------------------------------------------------------------------
    def _ps_send_to_customer(self, template, thread=None):
        """Post ``template`` on ``thread`` (default: the order) in the customer's
        language, e-mailing the customer as a follower."""
        self.ensure_one()
        thread = thread or self
        thread.message_subscribe(partner_ids=self.partner_id.ids)
        # When the customer's own action triggers the message (checkout), Odoo
        # would not notify them, the current user: they are who it is for.
        by_customer = self.env.user.partner_id == self.partner_id
        # ps_automatic_message: no question nor answer (question mixin)
        thread.with_context(
            lang=self.partner_id.lang,
            mail_notify_author=by_customer,
            ps_automatic_message=True,
        ).message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _ps_staff_responsible(self):
        """Who gets the staff's to-dos of this request: its salesperson, else
        the responsible set on the activity type (Settings), else the sales
        team's leader, else the first member of the personal shopper team."""
        self.ensure_one()
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        team = self.env.ref("personal_shopper.group_personal_shopper_user").sudo()
        members = team.users.filtered(
            lambda u: u._is_internal() and not u._is_superuser()
        )
        return (
            self.user_id
            or activity_type.default_user_id
            or self.team_id.user_id
            or (members - self.env.ref("base.user_admin")).sorted("id")[:1]
            or members[:1]
        )

    def _ps_schedule_staff_activity(self, summary, note=""):
        # ``note`` is plain text (it quotes what customers typed: their name,
        # address, articles): escaped, never read as HTML (links, pixels)
        if note and not isinstance(note, Markup):
            note = Markup("<p>%s</p>") % Markup("<br/>").join(note.split("\n"))
        for order in self:
            user = order._ps_staff_responsible()
            order.sudo().activity_schedule(
                "personal_shopper.mail_activity_type_ps_todo",
                summary=summary,
                note=note,
                user_id=user.id,
            )

    def _ps_lock(self):
        """Lock the order's row until the end of the transaction and re-read
        it, so that concurrent customer actions run one after the other."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM sale_order WHERE id = %s FOR UPDATE", (self.id,)
        )
        self.invalidate_recordset()

    def _message_post_after_hook(self, message, msg_vals):
        """Attachments sent by e-mail by the customer while a payment is
        expected become payment proofs; the customer's questions and the
        staff's answers are followed (question mixin)."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.attachment_ids:
            for order in self.filtered("is_personal_shopper"):
                order._ps_proofs_from_message(message)
        for order in self.filtered("is_personal_shopper"):
            role = order._ps_message_role(message)
            if role == "customer":
                order._ps_on_customer_question(message)
            elif role == "staff":
                order._ps_on_staff_answer(message)
        return result

    @api.depends(
        "partner_id.mobile",
        "partner_id.phone",
        "partner_id.lang",
        "name",
        "ps_stage",
        # storage: the message gives the hand-over choice
        "ps_handover_method",
        "ps_handover_start",
        "partner_shipping_id",
    )
    def _compute_ps_whatsapp_url(self):
        for order in self:
            number = re.sub(
                r"\D", "", order.partner_id.mobile or order.partner_id.phone or ""
            )
            if (order.partner_id.mobile or order.partner_id.phone or "").startswith(
                "00"
            ):
                number = number[2:]
            if not order.is_personal_shopper or len(number) < 6:
                order.ps_whatsapp_url = False
                continue
            message = order.with_context(
                lang=order.partner_id.lang
            )._ps_handover_message()
            order.ps_whatsapp_url = f"https://wa.me/{number}?text={quote(message)}"

    def _ps_handover_message(self):
        self.ensure_one()
        if self.ps_handover_method:
            # storage: the customer chose delivery or pickup and a slot
            return _(
                "Hello %(name)s, your order %(order)s is fully paid. %(choice)s",
                name=self.partner_id.name,
                order=self.name,
                choice=self._ps_handover_choice_text(),
            )
        return _(
            "Hello %(name)s, your order %(order)s has arrived and is fully paid. "
            "When would you like it delivered, or when will you pick it up?",
            name=self.partner_id.name,
            order=self.name,
        )

    def action_ps_open_whatsapp(self):
        self.ensure_one()
        self._ps_check_staff()
        if not self.ps_whatsapp_url:
            raise UserError(_("The customer has no mobile or phone number."))
        return {
            "type": "ir.actions.act_url",
            "url": self.ps_whatsapp_url,
            "target": "new",
        }

    def action_ps_contact_email(self):
        self.ensure_one()
        self._ps_check_staff()
        template = self._ps_handover_template()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "sale.order",
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
            },
        }

    def action_ps_view_proofs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "personal_shopper.action_personal_shopper_payment_proof"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    def _ps_last_rejection_reason(self):
        self.ensure_one()
        rejected = self.ps_proof_ids.filtered(lambda p: p.state == "rejected")
        return rejected.sorted("reviewed_date")[-1:].reject_reason or ""

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_ps_send_reminders(self):
        template = self.env.ref("personal_shopper.mail_template_ps_reminder")
        waiting = list(const.stages(customer_turn=True))
        for company in self.env["res.company"].search([("ps_reminder_days", ">", 0)]):
            limit = fields.Datetime.now() - timedelta(days=company.ps_reminder_days)
            orders = self.search(
                [
                    ("company_id", "=", company.id),
                    ("is_personal_shopper", "=", True),
                    ("ps_stage", "in", waiting),
                    ("ps_stage_date", "<", limit),
                    "|",
                    ("ps_last_reminder_date", "=", False),
                    ("ps_last_reminder_date", "<", limit),
                ]
            )
            for order in orders:
                order._ps_send_to_customer(template)
                order.ps_last_reminder_date = fields.Datetime.now()
                order._ps_schedule_staff_activity(
                    _("Follow up %s", order.name),
                    _("No answer from the customer since %s.", order.ps_stage_date),
                )
        return True
