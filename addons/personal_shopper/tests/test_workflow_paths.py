"""Every standard path that would change a request's state or money (the
Action menu, XML-RPC, import, duplicate) goes through the personal-shopper
flow or is refused with a clear message."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.personal_shopper import const

from .common import PersonalShopperCommon


@tagged("post_install", "-at_install")
class TestWorkflowPaths(PersonalShopperCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="ps_salesman",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )

    def assertRefused(self, call, *args):
        with self.assertRaises(UserError) as caught:
            call(*args)
        return str(caught.exception)

    def test_standard_buttons_refused(self):
        """Confirm, send, mark as sent, set to quotation: refused at every
        stage where Odoo would allow them, the request unchanged."""
        for stage in ("proforma_requested", "proforma_sent", "deposit_pending"):
            order = self._make_order(stage, partner=self._new_customer(stage))
            staff_order = order.with_user(self.staff_user)
            state = order.state
            for method in (
                "action_confirm",
                "action_quotation_send",
                "action_quotation_sent",
                "action_draft",
            ):
                with self.subTest(stage=stage, method=method):
                    message = self.assertRefused(getattr(staff_order, method))
                    self.assertIn(order.name, message)
            self.assertEqual((order.ps_stage, order.state), (stage, state))

    def test_create_invoices_wizard_refused(self):
        order = self._make_order("confirmed")
        for method in ("delivered", "percentage"):
            with self.subTest(method=method):
                wizard = (
                    self.env["sale.advance.payment.inv"]
                    .with_user(self.staff_user)
                    .with_context(active_model="sale.order", active_ids=order.ids)
                    .create(
                        {
                            "advance_payment_method": method,
                            "amount": 10.0,
                            "sale_order_ids": [Command.set(order.ids)],
                        }
                    )
                )
                self.assertRefused(wizard.create_invoices)
        self.assertRefused(order.with_user(self.staff_user)._create_invoices)
        self.assertEqual(order.invoice_ids, order.ps_deposit_invoice_id)

    def test_action_menu_cancel_goes_through_the_flow(self):
        """Odoo's Cancel on a request opens the request's cancellation (and
        refuses once the articles are bought): state and stage never part."""
        order = self._make_order("proforma_sent")
        action = order.with_user(self.staff_user).action_cancel()
        self.assertEqual(action["res_model"], "personal.shopper.order.cancel")
        self.assertEqual(order.state, "sent")
        self.assertRefused(order.with_user(self.staff_user)._action_cancel)

        purchased = self._make_order("purchased", partner=self._new_customer("P"))
        self.assertRefused(purchased.with_user(self.staff_user).action_cancel)
        self.assertEqual((purchased.state, purchased.ps_stage), ("sale", "purchased"))
        # a mass cancel mixing requests and quotations is refused as a whole
        quotation = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertRefused((order | quotation).with_user(self.staff_user).action_cancel)
        self.assertEqual(quotation.state, "draft")

    def test_direct_writes_refused(self):
        order = self._make_order("purchased")
        for vals in (
            {"ps_stage": "delivered"},
            {"state": "cancel"},
            {"ps_stage": "cancelled", "state": "cancel"},
            {"ps_deposit_invoice_id": False},
        ):
            with self.subTest(vals=vals):
                self.assertRefused(order.with_user(self.staff_user).write, vals)
        self.assertEqual((order.state, order.ps_stage), ("sale", "purchased"))
        quotation = self.env["sale.order"].create({"partner_id": self.customer.id})
        self.assertRefused(quotation.write, {"is_personal_shopper": True})

    def test_import_cannot_set_a_stage(self):
        result = (
            self.env["sale.order"]
            .with_user(self.staff_user)
            .load(
                ["partner_id/.id", "is_personal_shopper", "ps_stage"],
                [[str(self.customer.id), "1", "purchased"]],
            )
        )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])

    def test_staff_created_request_starts_as_a_proforma_request(self):
        order = (
            self.env["sale.order"]
            .with_user(self.staff_user)
            .with_context(default_is_personal_shopper=True)
            .create({"partner_id": self.customer.id})
        )
        self.assertTrue(order.is_personal_shopper)
        self.assertEqual(order.ps_stage, "proforma_requested")
        self.assertEqual(
            order.ps_stage_history_ids.mapped("stage"), ["proforma_requested"]
        )
        # a plain salesman cannot make requests
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).with_context(
                default_is_personal_shopper=True
            ).create({"partner_id": self.customer.id})

    def test_duplicate_is_a_new_cart(self):
        order = self._make_order("confirmed")
        copy = order.with_user(self.staff_user).copy()
        self.assertTrue(copy.is_personal_shopper)
        self.assertEqual(copy.ps_stage, "cart")
        self.assertEqual(copy.partner_id, order.partner_id)
        self.assertEqual(copy.state, "draft")
        articles = order.order_line.filtered("ps_is_article")
        self.assertEqual(
            copy.order_line.mapped("ps_article_url"), articles.mapped("ps_article_url")
        )
        self.assertEqual(set(copy.order_line.mapped("price_unit")), {0.0})
        self.assertFalse(copy.ps_deposit_invoice_id)
        # the customer has an open cart now: a second duplicate is refused
        message = self.assertRefused(order.with_user(self.staff_user).copy)
        self.assertIn("open cart", message)

    def test_request_in_progress_cannot_be_deleted(self):
        order = self._make_order("proforma_requested")
        self.assertRefused(order.with_user(self.staff_user).unlink)
        self.assertTrue(order.exists())

    def test_salesman_cannot_run_staff_steps(self):
        order = self._make_order("proforma_requested")
        self._price(order)
        as_salesman = order.with_user(self.salesman)
        for method in (
            "action_ps_compute_fees",
            "action_ps_send_proforma",
            "action_ps_cancel",
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(as_salesman, method)()
        order = self._make_order("confirmed", partner=self._new_customer("C"))
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_ps_mark_purchased()
        order = self._make_order("deposit_pending", partner=self._new_customer("D"))
        proof = self._submit_proof(order)
        with self.assertRaises(AccessError):
            proof.with_user(self.salesman).action_accept()
        self.assertEqual(order.ps_stage, "deposit_review")

    def test_stage_rules_are_derived_from_one_table(self):
        self.assertEqual(
            const.payment_stages(),
            ("deposit_pending", "deposit_review", "balance_pending", "balance_review"),
        )
        self.assertEqual(const.pending_stage("deposit"), "deposit_pending")
        self.assertEqual(const.review_stage("balance"), "balance_review")
        self.assertEqual(const.paid_stage("balance"), "ready")
        order = self._make_order("deposit_pending")
        self._submit_proof(order)
        self.assertEqual(order.ps_payment_kind, "deposit")
        self.assertTrue(order.ps_in_review)
        self.assertTrue(order.ps_is_cancellable)
        found = self.env["sale.order"].search(
            [("ps_payment_kind", "=", "deposit"), ("id", "=", order.id)]
        )
        self.assertEqual(found, order)
        self.assertFalse(
            self.env["sale.order"].search(
                [("ps_is_cancellable", "=", False), ("id", "=", order.id)]
            )
        )

    def test_team_todos_go_to_the_configured_user(self):
        """A request without salesperson: its to-dos go to the user set in the
        settings (the activity type's default user), never to the admin."""
        settings = self.env["res.config.settings"].create(
            {"ps_activity_user_id": self.staff_user.id}
        )
        settings.execute()
        activity_type = self.env.ref("personal_shopper.mail_activity_type_ps_todo")
        self.assertEqual(activity_type.default_user_id, self.staff_user)
        order = self._make_order("proforma_requested")
        self.assertFalse(order.user_id)
        self.assertEqual(order.activity_ids.user_id, self.staff_user)
        # nobody configured: a member of the team, not the administrator
        activity_type.default_user_id = False
        other = self._make_order(
            "proforma_requested", partner=self._new_customer("Nobody set")
        )
        self.assertTrue(other.activity_ids)
        self.assertNotIn(self.env.ref("base.user_admin"), other.activity_ids.user_id)
        self.assertTrue(
            other.activity_ids.user_id.has_group(
                "personal_shopper.group_personal_shopper_user"
            )
        )
