from odoo import fields, models


class PersonalShopperShopCategory(models.Model):
    _name = "personal.shopper.shop.category"
    _description = "Partner Shop Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    shop_ids = fields.One2many("personal.shopper.shop", "category_id", string="Shops")

    _sql_constraints = [
        ("name_uniq", "unique(name)", "A shop category with this name already exists."),
    ]
