from odoo import _, api, fields, models


class PersonalShopperOrderQuestionMixin(models.AbstractModel):
    """Questions of the customer on a request, asked in the portal's chatter
    (sale's order page: ``portal.message_thread``) or by e-mail, answered by
    the staff from the request's chatter ("Send message": the customer, a
    follower, gets the answer by e-mail and sees it in the portal).

    A question waits for an answer while the customer's last message is newer
    than the staff's last message (both kept from the messages as they are
    posted); the salesperson gets a to-do for each new question, marked done
    once answered. Odoo's hook on posted messages
    (``_message_post_after_hook``) calls this mixin from sale_order.py."""

    _name = "personal.shopper.order.question.mixin"
    _description = "Personal Shopper Request Questions"

    ps_last_customer_message_date = fields.Datetime(
        string="Last customer message", copy=False, readonly=True
    )
    ps_last_staff_message_date = fields.Datetime(
        string="Last answer", copy=False, readonly=True
    )
    ps_question_waiting = fields.Boolean(
        string="Question waiting for an answer",
        compute="_compute_ps_question_waiting",
        store=True,
        help="The customer's last message on this request is newer than the "
        "staff's last message.",
    )

    @api.depends("ps_last_customer_message_date", "ps_last_staff_message_date")
    def _compute_ps_question_waiting(self):
        for order in self:
            asked = order.ps_last_customer_message_date
            answered = order.ps_last_staff_message_date
            order.ps_question_waiting = bool(
                asked and (not answered or asked > answered)
            )

    def _ps_message_role(self, message):
        """Return "customer" for a question of the customer, "staff" for an answer
        of the staff, else False. Messages the flow posts by itself (stage
        e-mails, which ``_ps_send_to_customer`` marks with the
        ``ps_automatic_message`` context key), notes and notifications are
        neither."""
        if (
            self.env.context.get("ps_automatic_message")
            or message.message_type not in ("comment", "email")
            or message.subtype_id != self.env.ref("mail.mt_comment")
            or not message.author_id
        ):
            return False
        author_users = message.author_id.sudo().with_context(active_test=False).user_ids
        if any(user._is_internal() for user in author_users):
            return "staff"
        return "customer"

    def _ps_on_customer_question(self, message):
        self.ensure_one()
        order = self.sudo()
        order.ps_last_customer_message_date = message.date or fields.Datetime.now()
        # the answer is e-mailed to the followers: the customer is one
        # (the portal's chatter does not subscribe its authors)
        order.message_subscribe(partner_ids=self.partner_id.ids)
        user = order._ps_staff_responsible()
        order.activity_schedule(
            "personal_shopper.mail_activity_type_ps_question",
            summary=_("Answer the question of %s", self.partner_id.name),
            note=message.body,
            user_id=user.id,
        )

    def _ps_on_staff_answer(self, message):
        self.ensure_one()
        order = self.sudo()
        order.ps_last_staff_message_date = message.date or fields.Datetime.now()
        order.activity_feedback(["personal_shopper.mail_activity_type_ps_question"])
