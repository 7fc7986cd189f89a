import base64

from .common import PNG_DATA, PersonalShopperCommon

TRACKING_URL = "https://track.example.com/parcel?number=<shipmenttrackingnumber>"


class LogisticsCommon(PersonalShopperCommon):
    """Transport rules (Odoo delivery methods "based on rules") and helpers to
    receive requests at the warehouse and ship them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.ps_shipment_billing = "split"
        # Europe by air: 8/kg, minimum 30, insurance 2% (minimum 5)
        cls.air_europe = cls._make_carrier(
            "PS Air Europe",
            "air",
            [("weight", "<=", 1000.0, 0.0, 8.0)],
            countries=cls.env.ref("base.fr") | cls.env.ref("base.be"),
            minimum=30.0,
            insurance=(2.0, 5.0),
        )
        # Americas by sea: 20 + 10/kg up to 5 kg, then 6/kg; divisor 1000
        cls.sea_americas = cls._make_carrier(
            "PS Sea Americas",
            "sea",
            [
                ("weight", "<=", 5.0, 20.0, 10.0),
                ("weight", "<=", 1000.0, 0.0, 6.0),
            ],
            countries=cls.env.ref("base.us"),
            divisor=1000.0,
        )

    @classmethod
    def _make_carrier(
        cls,
        name,
        mode,
        rules,
        countries=None,
        divisor=5000.0,
        minimum=0.0,
        insurance=(0.0, 0.0),
    ):
        return cls.env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": "base_on_rule",
                "product_id": cls.company.ps_transport_product_id.id,
                "tracking_url": TRACKING_URL,
                "country_ids": [(6, 0, countries.ids)] if countries else [],
                "ps_transport_mode": mode,
                "ps_volumetric_divisor": divisor,
                "ps_minimum_charge": minimum,
                "ps_insurance_percent": insurance[0],
                "ps_insurance_min": insurance[1],
                "price_rule_ids": [
                    (
                        0,
                        0,
                        {
                            "sequence": sequence,
                            "variable": variable,
                            "operator": operator,
                            "max_value": max_value,
                            "list_base_price": base,
                            "list_price": per_kg,
                            "variable_factor": "weight",
                        },
                    )
                    for sequence, (
                        variable,
                        operator,
                        max_value,
                        base,
                        per_kg,
                    ) in enumerate(rules)
                ],
            }
        )

    def _receive(
        self, order, weight, dims=(0.0, 0.0, 0.0), condition="ok", photo=False
    ):
        """The warehouse records a parcel of ``order`` (as staff)."""
        length, width, height = dims
        return (
            self.env["personal.shopper.reception"]
            .with_user(self.staff_user)
            .create(
                {
                    "order_id": order.id,
                    "line_id": order.order_line.filtered("ps_is_article")[:1].id,
                    "quantity": 1,
                    "condition": condition,
                    "weight": weight,
                    "package_length": length,
                    "package_width": width,
                    "package_height": height,
                    "photo": base64.b64encode(PNG_DATA) if photo else False,
                }
            )
        )

    def _ship(self, shipment, carrier=None, reference="TRACK123"):
        shipment.with_user(self.staff_user).write(
            {"carrier_id": (carrier or self.air_europe).id, "tracking_ref": reference}
        )
        shipment.with_user(self.staff_user).action_ship()
        return shipment
