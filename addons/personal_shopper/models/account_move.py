from odoo import _, api, fields, models
from odoo.exceptions import AccessError


class AccountMove(models.Model):
    _inherit = "account.move"

    ps_order_id = fields.Many2one(
        "sale.order", compute="_compute_ps_order_id", string="Personal shopper request"
    )

    # staffday: deposit and final invoices told apart at a glance (lists,
    # filters, the PDF's title)
    ps_invoice_kind = fields.Selection(
        [("deposit", "Deposit invoice"), ("final", "Final invoice")],
        string="Personal shopper invoice",
        compute="_compute_ps_invoice_kind",
        search="_search_ps_invoice_kind",
    )

    ps_invoice_title = fields.Char(
        string="Personal shopper title", compute="_compute_ps_invoice_title"
    )

    ps_hide_accounting_buttons = fields.Boolean(
        compute="_compute_ps_hide_accounting_buttons",
        help="The current user is personal shopper staff without accounting "
        "rights: the accounting buttons of invoices are not theirs.",
    )

    @api.model
    def _ps_is_staff_without_accounting(self):
        """The current user is personal shopper staff (who get Invoicing's
        billing rights to read and send invoices) but no accountant."""
        user = self.env.user
        return (
            not self.env.su
            and user.has_group("personal_shopper.group_personal_shopper_user")
            and not (
                user.has_group("account.group_account_user")
                or user.has_group("account.group_account_manager")
            )
        )

    @api.depends_context("uid")
    def _compute_ps_hide_accounting_buttons(self):
        self.ps_hide_accounting_buttons = self._ps_is_staff_without_accounting()

    def _ps_check_accounting_rights(self):
        # The buttons are hidden from the team (views); the list's "Pay" and
        # calls outside the views are refused here.
        if self._ps_is_staff_without_accounting():
            raise AccessError(
                _(
                    "Payments and corrections of invoices are for the "
                    "accountants: customers' payments are registered by "
                    "accepting their payment proofs."
                )
            )

    def action_register_payment(self):
        self._ps_check_accounting_rights()
        return super().action_register_payment()

    def action_force_register_payment(self):
        self._ps_check_accounting_rights()
        return super().action_force_register_payment()

    def button_draft(self):
        self._ps_check_accounting_rights()
        return super().button_draft()

    def _compute_ps_invoice_kind(self):
        orders = self._origin._ps_orders()
        deposits = set(orders.ps_deposit_invoice_id.ids)
        finals = set(orders.ps_final_invoice_id.ids)
        for move in self:
            move.ps_invoice_kind = (
                "deposit"
                if move._origin.id in deposits
                else "final"
                if move._origin.id in finals
                else False
            )

    def _search_ps_invoice_kind(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        kinds = value if isinstance(value, (list, tuple)) else [value]
        field = {"deposit": "ps_deposit_invoice_id", "final": "ps_final_invoice_id"}
        ids = []
        for kind in kinds:
            if kind in field:
                ids += (
                    self.env["sale.order"]
                    .sudo()
                    .search(
                        [("is_personal_shopper", "=", True), (field[kind], "!=", False)]
                    )
                    .mapped(field[kind])
                    .ids
                )
        if not any(kinds):
            # "is set" / "is not set"
            positive = operator in ("!=", "not in")
            return self._search_ps_invoice_kind(
                "in" if positive else "not in", ["deposit", "final"]
            )
        positive = operator in ("=", "in")
        return [("id", "in" if positive else "not in", ids)]

    @api.depends_context("lang")
    def _compute_ps_invoice_title(self):
        """The PDF's line above the invoice's details: "Deposit invoice –
        request S00012"."""
        labels = dict(self._fields["ps_invoice_kind"]._description_selection(self.env))
        for move in self:
            if not move.ps_invoice_kind:
                move.ps_invoice_title = False
                continue
            move.ps_invoice_title = _(
                "%(kind)s – request %(order)s",
                kind=labels[move.ps_invoice_kind],
                order=move._origin._ps_orders()[:1].name,
            )

    def action_ps_open_request(self):
        self.ensure_one()
        order = self._ps_orders()[:1] or self.ps_order_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": order.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.depends("line_ids.sale_line_ids.order_id")
    def _compute_ps_order_id(self):
        for move in self:
            orders = move.line_ids.sale_line_ids.order_id.filtered(
                "is_personal_shopper"
            )
            move.ps_order_id = orders[:1]

    def _ps_orders(self):
        """The personal-shopper requests whose deposit or final invoice is in
        ``self``."""
        if not self:
            return self.env["sale.order"]
        return (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("is_personal_shopper", "=", True),
                    "|",
                    ("ps_deposit_invoice_id", "in", self.ids),
                    ("ps_final_invoice_id", "in", self.ids),
                ]
            )
        )

    def _invoice_paid_hook(self):
        # Odoo calls this when invoices become paid, whoever paid them (an
        # accepted proof, a payment or a reconciliation in Invoicing).
        result = super()._invoice_paid_hook()
        # staffday: the proofs still waiting on these invoices are duplicates,
        # closed (with a note on their request) before the request moves on
        self.env["personal.shopper.payment.proof"]._close_paid_invoice_proofs(self)
        self._ps_orders()._ps_sync_payment_stage()
        return result

    def _message_post_after_hook(self, message, msg_vals):
        """A payment proof sent by replying to the invoice e-mail is a proof on
        the personal shopper order."""
        result = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.attachment_ids:
            for move in self.filtered(
                lambda m: m.move_type == "out_invoice" and m.ps_order_id
            ):
                order = move.ps_order_id
                if order._ps_expected_proof()[1] == move:
                    copies = message.attachment_ids.sudo().copy(
                        {"res_model": "sale.order", "res_id": order.id}
                    )
                    order.sudo()._ps_proofs_from_message(message, copies)
        return result
