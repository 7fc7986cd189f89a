from odoo import fields, models

from .. import const


class PersonalShopperStageHistory(models.Model):
    _name = "personal.shopper.stage.history"
    _description = "Personal Shopper Order Stage History"
    _order = "date, id"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    stage = fields.Selection(const.STAGE_SELECTION, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
