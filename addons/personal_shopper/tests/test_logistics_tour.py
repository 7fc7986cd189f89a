from odoo.tests import HttpCase, tagged

from .logistics_common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestLogisticsTour(LogisticsCommon, HttpCase):
    """Headless Chromium: the customer sees the reception photos, asks to ship
    two requests together, then follows the tracking link and decides what to
    do with a damaged article."""

    def test_photos_consolidate_and_track(self):
        first = self._make_order("purchased")
        second = self._make_order("purchased")
        reception = self._receive(first, 3.0, (30.0, 20.0, 10.0), photo=True)
        damaged = self._receive(second, 1.0, condition="damaged")
        self.start_tour(
            first.get_portal_url(),
            "personal_shopper_logistics_consolidate",
            login="ps_customer",
        )
        shipment = first.ps_shipment_id
        self.assertTrue(shipment)
        self.assertEqual(shipment.order_ids, first | second)
        self._ship(shipment, reference="TRACK123")
        self.start_tour(
            second.get_portal_url(),
            "personal_shopper_logistics_tracking",
            login="ps_customer",
        )
        # the customer's decision on the damaged article, from the same page
        self.assertEqual(damaged.decision, "refund")
        self.assertTrue(
            second.activity_ids.filtered(lambda a: "decision" in (a.summary or ""))
        )

        # the photo is served to the customer, not to others
        photo_url = (
            f"/my/orders/{first.id}/ps_reception/{reception.id}/photo"
            f"?access_token={first.access_token}"
        )
        self.authenticate("ps_customer", "ps_customer")
        response = self.url_open(photo_url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/orders/{first.id}/ps_reception/{reception.id}/photo?access_token=wrong"
        )
        self.assertEqual(response.status_code, 404)
        response = self.url_open(
            f"/my/orders/{second.id}/ps_reception/{reception.id}/photo"
            f"?access_token={second.access_token}"
        )
        self.assertEqual(response.status_code, 404)
