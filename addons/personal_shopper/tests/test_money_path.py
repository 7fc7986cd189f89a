from odoo.tests import tagged

from .common import PersonalShopperCommon

PAID = ("paid", "in_payment")


@tagged("post_install", "-at_install")
class TestMoneyPath(PersonalShopperCommon):
    def _article_lines(self, order):
        return order.order_line.filtered("ps_is_article")

    def _fee_line(self, order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)

    def test_compute_fees_percentage(self):
        """Above the minimums the fees are a percentage of the articles."""
        order = self._request_proforma(self._make_cart(articles=2))
        self._price(order, [100.0, 200.0])  # 100 x 1 + 200 x 2
        self.assertEqual(order.ps_articles_amount, 500.0)
        order.with_user(self.staff_user).action_ps_compute_fees()
        self.assertEqual(
            self._fee_line(order, self.company.ps_service_fee_product_id).price_unit,
            50.0,
        )
        self.assertEqual(
            self._fee_line(order, self.company.ps_transport_product_id).price_unit, 75.0
        )
        self.assertEqual(order.amount_total, 625.0)
        # computing again updates the lines instead of adding new ones
        self._price(order, [200.0, 200.0])
        order.with_user(self.staff_user).action_ps_compute_fees()
        self.assertEqual(len(order.order_line), 4)
        self.assertEqual(
            self._fee_line(order, self.company.ps_service_fee_product_id).price_unit,
            60.0,
        )

    def test_reprice_sent_proforma(self):
        """Staff may correct a sent proforma and send it again."""
        order = self._make_order("proforma_sent", prices=[100.0, 200.0])
        self._price(order, [150.0, 200.0])
        order.with_user(self.staff_user).action_ps_compute_fees()
        order.with_user(self.staff_user).action_ps_send_proforma()
        self.assertEqual(order.ps_stage, "proforma_sent")
        self.assertEqual(order.amount_total, 550.0 * 1.25)

    def test_compute_fees_minimum(self):
        """Below the minimums the fees are the minimums."""
        order = self._request_proforma(self._make_cart(articles=1))
        self._price(order, [50.0])
        order.with_user(self.staff_user).action_ps_compute_fees()
        self.assertEqual(
            self._fee_line(order, self.company.ps_service_fee_product_id).price_unit,
            10.0,
        )
        self.assertEqual(
            self._fee_line(order, self.company.ps_transport_product_id).price_unit, 20.0
        )
        self.assertEqual(order.amount_total, 80.0)

    def test_shop_price_conversion(self):
        """Staff price an article in the shop's currency: the unit price follows."""
        order = self._request_proforma(self._make_cart(articles=2))
        line = self._article_lines(order)[1]
        self.assertEqual(line.ps_shop_id, self.shop_uk)
        self.assertEqual(line.ps_shop_currency_id, self.env.ref("base.GBP"))
        line.write({"ps_shop_price_unit": 80.0, "ps_exchange_rate": 1.25})
        line._onchange_ps_shop_price()
        self.assertEqual(line.price_unit, 100.0)

    def test_full_path(self):
        staff_order_env = self.env["sale.order"].with_user(self.staff_user)
        order = self._make_cart(articles=2)
        self.assertEqual(order.ps_stage, "cart")
        self.assertEqual(order.ps_article_count, 2)

        # the customer asks for a proforma, accepting the terms
        self._request_proforma(order)
        self.assertEqual(order.ps_stage, "proforma_requested")
        self.assertEqual(order.ps_terms_accepted_by, self.customer)
        self.assertEqual(order.ps_terms_accepted_ip, "192.0.2.1")
        self.assertEqual(len(order.ps_terms_accepted_version), 64)

        # staff price it and send the proforma
        self._price(order, [100.0, 200.0])
        staff_order = staff_order_env.browse(order.id)
        staff_order.action_ps_compute_fees()
        staff_order.action_ps_send_proforma()
        self.assertEqual(order.ps_stage, "proforma_sent")
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.validity_date)
        self.assertEqual(order.amount_total, 625.0)
        proforma_message = order.message_ids.filtered(
            lambda m: m.subject and m.subject.startswith(f"Proforma {order.name}")
        )
        self.assertEqual(len(proforma_message), 1)
        self.assertIn(self.customer, proforma_message.partner_ids)
        # the PDF itself is tested in test_proforma_report (tests render HTML)
        self.assertRegex(
            proforma_message.attachment_ids.name, rf"^Proforma - {order.name}\."
        )

        # the customer accepts: the order is confirmed, the deposit invoiced
        self._accept(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.ps_stage, "deposit_pending")
        deposit = order.ps_deposit_invoice_id
        self.assertEqual(deposit.state, "posted")
        self.assertEqual(deposit.amount_total, 312.5)
        self.assertEqual(order.ps_deposit_amount, 312.5)
        self.assertFalse(order.ps_deposit_paid)

        # the customer sends a proof of the deposit, staff accept it
        proof = self._submit_proof(order)
        self.assertEqual(order.ps_stage, "deposit_review")
        self.assertEqual(proof.state, "submitted")
        self.assertEqual(proof.invoice_id, deposit)
        self.assertEqual(proof.amount_declared, 312.5)
        self.assertEqual(order.ps_proof_to_review_count, 1)
        proof.with_user(self.staff_user).action_accept()
        self.assertEqual(proof.state, "accepted")
        self.assertEqual(proof.reviewed_by, self.staff_user)
        self.assertEqual(proof.payment_id.journal_id, self.bank_journal)
        self.assertEqual(proof.payment_id.amount, 312.5)
        self.assertIn(deposit.payment_state, PAID)
        self.assertTrue(order.ps_deposit_paid)
        self.assertEqual(order.ps_stage, "confirmed")
        self.assertEqual(order.ps_proof_to_review_count, 0)

        # staff buy, ship and receive the goods
        self._mark_purchased(order)
        staff_order.action_ps_mark_in_transit()
        staff_order.action_ps_mark_arrived()
        self.assertEqual(order.ps_stage, "arrived")

        # the real transport costs more than estimated
        staff_order.ps_transport_final = 90.0
        staff_order.action_ps_issue_final_invoice()
        self.assertEqual(order.ps_stage, "balance_pending")
        self.assertEqual(
            self._fee_line(order, self.company.ps_transport_product_id).price_unit, 90.0
        )
        self.assertEqual(order.amount_total, 640.0)
        final = order.ps_final_invoice_id
        self.assertEqual(final.state, "posted")
        self.assertEqual(final.amount_total, 640.0 - 312.5)
        self.assertTrue(
            final.message_ids.filtered(
                lambda m: (
                    m.subject and m.subject.startswith(f"Final invoice {final.name}")
                )
            )
        )

        # the balance is paid through a proof
        balance_proof = self._pay_with_proof(order)
        self.assertEqual(balance_proof.kind, "balance")
        self.assertEqual(balance_proof.invoice_id, final)
        self.assertEqual(balance_proof.payment_id.journal_id, self.bank_journal)
        self.assertIn(final.payment_state, PAID)
        self.assertTrue(order.ps_balance_paid)
        self.assertEqual(order.ps_stage, "ready")

        staff_order.action_ps_mark_delivered()
        self.assertEqual(order.ps_stage, "delivered")

        # the money adds up
        invoices = order.invoice_ids
        self.assertEqual(invoices, deposit | final)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertTrue(
            all(state in PAID for state in invoices.mapped("payment_state"))
        )
        self.assertAlmostEqual(
            deposit.amount_total + final.amount_total, order.amount_total
        )
        payments = (proof | balance_proof).payment_id
        self.assertEqual(len(payments), 2)
        self.assertEqual(payments.journal_id, self.bank_journal)
        self.assertAlmostEqual(sum(payments.mapped("amount")), order.amount_total)
        self.assertEqual(
            order.ps_stage_history_ids.mapped("stage"),
            [
                "proforma_requested",
                "proforma_sent",
                "deposit_pending",
                "deposit_review",
                "confirmed",
                "purchased",
                "in_transit",
                "arrived",
                "balance_pending",
                "balance_review",
                "ready",
                "delivered",
            ],
        )

    def test_partial_payment(self):
        """A proof of part of the deposit keeps the order waiting for the rest."""
        order = self._make_order("deposit_pending", prices=[100.0, 200.0])
        deposit = order.ps_deposit_invoice_id
        self._pay_with_proof(order, amount=100.0)
        self.assertEqual(deposit.payment_state, "partial")
        self.assertEqual(deposit.amount_residual, 212.5)
        self.assertEqual(order.ps_stage, "deposit_pending")
        self.assertFalse(order.ps_deposit_paid)
        # the next proof defaults to what is still due and settles it
        proof = self._pay_with_proof(order)
        self.assertEqual(proof.amount_declared, 212.5)
        self.assertIn(deposit.payment_state, PAID)
        self.assertEqual(order.ps_stage, "confirmed")

    def test_proof_received_amount(self):
        """Staff register the amount actually received, not the declared one."""
        order = self._make_order("deposit_pending", prices=[100.0, 200.0])
        proof = self._submit_proof(order, amount=312.5)
        proof.with_user(self.staff_user).amount_accepted = 300.0
        proof.with_user(self.staff_user).action_accept()
        self.assertEqual(proof.payment_id.amount, 300.0)
        self.assertEqual(order.ps_deposit_invoice_id.amount_residual, 12.5)
        self.assertEqual(order.ps_stage, "deposit_pending")

    def test_rejected_proof(self):
        order = self._make_order("deposit_pending")
        proof = self._submit_proof(order, name="blurry.pdf")
        self.assertEqual(order.ps_stage, "deposit_review")
        action = proof.with_user(self.staff_user).action_open_reject_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.staff_user)
            .with_context(**action["context"])
            .create({"reason": "The receipt is unreadable."})
        )
        self.assertEqual(wizard.proof_ids, proof)
        wizard.action_reject()

        self.assertEqual(proof.state, "rejected")
        self.assertEqual(proof.reject_reason, "The receipt is unreadable.")
        self.assertEqual(proof.reviewed_by, self.staff_user)
        self.assertFalse(proof.payment_id)
        self.assertEqual(order.ps_stage, "deposit_pending")
        self.assertEqual(order.ps_deposit_invoice_id.payment_state, "not_paid")
        notice = order.message_ids.filtered(
            lambda m: (
                m.subtype_id == self.env.ref("mail.mt_comment")
                and "The receipt is unreadable." in m.body
            )
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(self.customer, notice.partner_ids)
        # the file stays on the order for the record
        self.assertTrue(proof.attachment_id.exists())
        self.assertEqual(
            (proof.attachment_id.res_model, proof.attachment_id.res_id),
            ("sale.order", order.id),
        )
        self.assertEqual(proof.attachment_id.name, "blurry.pdf")

    def test_exchange_rate_follows_the_shop_currency(self):
        """An article from a shop in another currency gets Odoo's rate when
        its line is made: typing the shop price then prices it, the rate is
        shown with its date, and staff may type another rate."""
        gbp = self.env.ref("base.GBP")
        order = self._request_proforma(self._make_cart(articles=2))
        line = self._article_lines(order)[1]
        self.assertEqual(line.ps_shop_currency_id, gbp)
        odoo_rate = gbp._convert(
            1.0, order.currency_id, order.company_id, order.date_order, round=False
        )
        self.assertTrue(odoo_rate)
        self.assertAlmostEqual(line.ps_exchange_rate, odoo_rate, places=6)
        self.assertIn(f"1 GBP = {odoo_rate:.6g}", line.ps_exchange_rate_label)
        line.ps_shop_price_unit = 80.0
        line._onchange_ps_shop_price()
        self.assertEqual(line.price_unit, order.currency_id.round(80.0 * odoo_rate))
        # staff override the rate: the price follows, the rate is kept
        line.ps_exchange_rate = 1.3
        line._onchange_ps_shop_price()
        self.assertEqual(line.price_unit, 104.0)
        order.flush_recordset()
        line.invalidate_recordset()
        self.assertEqual(line.ps_exchange_rate, 1.3)
