from odoo import fields, models


class PersonalShopperProofReject(models.TransientModel):
    _name = "personal.shopper.proof.reject"
    _description = "Reject Payment Proofs"

    proof_ids = fields.Many2many(
        "personal.shopper.payment.proof",
        "personal_shopper_proof_reject_rel",
        required=True,
    )
    reason = fields.Text(
        required=True,
        help="Sent to the customer: say what is wrong and what to send instead.",
    )

    def action_reject(self):
        self.ensure_one()
        self.proof_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
