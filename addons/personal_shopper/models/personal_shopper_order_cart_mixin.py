import hashlib

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty


class PersonalShopperOrderCartMixin(models.AbstractModel):
    """The customer's side before the proforma: one open cart per customer,
    its remote-article lines, and the proforma request (terms accepted,
    delivery address chosen). Called by the portal after its access checks."""

    _name = "personal.shopper.order.cart.mixin"
    _description = "Personal Shopper Request Cart"

    # the request's currency (sale.order's own field, declared for the
    # amounts below)
    currency_id = fields.Many2one("res.currency")
    ps_article_count = fields.Integer(compute="_compute_ps_articles", string="Articles")
    ps_articles_amount = fields.Monetary(
        compute="_compute_ps_articles", string="Articles total"
    )
    ps_terms_accepted_date = fields.Datetime(
        string="Terms accepted on", copy=False, readonly=True
    )
    ps_terms_accepted_by = fields.Many2one(
        "res.partner", string="Terms accepted by", copy=False, readonly=True
    )
    ps_terms_accepted_ip = fields.Char(
        string="Terms accepted from", copy=False, readonly=True
    )
    ps_terms_accepted_version = fields.Char(
        string="Accepted terms version",
        copy=False,
        readonly=True,
        help="SHA-256 of the terms and conditions text the customer accepted.",
    )
    ps_terms_accepted_text = fields.Html(
        string="Accepted terms", copy=False, readonly=True, sanitize=True
    )

    @api.depends("order_line.price_subtotal", "order_line.ps_is_article")
    def _compute_ps_articles(self):
        for order in self:
            articles = order.order_line.filtered("ps_is_article")
            order.ps_article_count = len(articles)
            order.ps_articles_amount = sum(articles.mapped("price_subtotal"))

    @api.model
    def _ps_cart_domain(self, partner):
        return [
            ("is_personal_shopper", "=", True),
            ("ps_stage", "=", "cart"),
            ("partner_id", "=", partner.id),
        ]

    @api.model
    def _ps_get_cart(self, partner, create=False):
        """Return the open cart of ``partner`` (one at most), creating it if asked.

        Two first "add to cart" of the same customer at once (two tabs, a
        double click) must land in one cart. Requests run in REPEATABLE READ
        transactions: the loser of a race cannot see the winner's cart (its
        snapshot predates it), so catching the unique index's violation and
        searching again finds nothing. Instead, the creation of a cart writes
        the customer's row first: the second transaction then waits for the
        first one and fails with a serialization error, which Odoo's request
        retry (``odoo.service.model.retrying``) answers by replaying the
        request in a fresh transaction, where the cart is found."""
        cart = self.sudo().search(self._ps_cart_domain(partner), limit=1)
        if cart or not create:
            return cart
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = write_date WHERE id = %s",
            (partner.id,),
        )
        try:
            with self.env.cr.savepoint():
                created = (
                    self.sudo()
                    .with_context(ps_flow=True)
                    .create(self._ps_prepare_cart_values(partner))
                )
                # handed back without the flow's context key (ps_flow), which
                # would let later writes bypass the stage rules
                cart = self.sudo().browse(created.id)
        except pg_errors.UniqueViolation:
            # the unique index is the last guard (a cart made outside this
            # method, in a transaction this one may not see)
            cart = self.sudo().search(self._ps_cart_domain(partner), limit=1)
            if not cart:
                raise UserError(
                    _("Your cart was just opened in another window: please try again.")
                ) from None
        return cart

    @api.model
    def _ps_prepare_cart_values(self, partner):
        values = {
            "partner_id": partner.id,
            "is_personal_shopper": True,
            "ps_stage": "cart",
            "ps_stage_date": fields.Datetime.now(),
            "require_signature": False,
            "require_payment": False,
        }
        # the customer's salesperson, if any: never whoever opened the cart
        # (with sudo, the superuser would be taken for one)
        values["user_id"] = partner.commercial_partner_id.user_id.id
        return values

    def _ps_check_cart(self):
        self.ensure_one()
        if not self.is_personal_shopper or self.ps_stage != "cart":
            raise UserError(
                _("This request was already submitted and can no longer be changed.")
            )

    def _ps_add_article(self, values):
        """Add a remote article line to the cart. ``values``: name, url, quantity,
        details. Raises ValidationError with the message of the first error."""
        self._ps_check_cart()
        Line = self.env["sale.order.line"]
        errors = Line._ps_validate_article(values)
        if errors:
            raise ValidationError("\n".join(errors.values()))
        return Line.sudo().create(Line._ps_prepare_article_line(self, values))

    def _ps_request_proforma(
        self, shipping_partner, accepted_by, ip_address=None, terms_version=None
    ):
        """Submit the cart: the customer accepted the terms and chose where to
        deliver. Safe against double submissions (row lock + stage check).

        Refused while the company has no terms and conditions, when the terms
        changed since the customer read them (``terms_version``: the hash of
        the text shown to them), and when ``shipping_partner`` is not a
        complete delivery address (see ``_ps_delivery_address_errors``)."""
        self._ps_lock()
        if self.ps_stage != "cart":
            # already submitted (double click, second tab): nothing to do twice
            return False
        if not self.order_line.filtered("ps_is_article"):
            raise UserError(_("Your cart is empty: add at least one article first."))
        terms = self._ps_terms_text()
        if is_html_empty(terms):
            raise UserError(self._ps_no_terms_message())
        version = self._ps_terms_version(terms)
        if terms_version and terms_version != version:
            raise UserError(
                _(
                    "Our terms and conditions changed while you were reading "
                    "them: please read them again before accepting them."
                )
            )
        errors = self._ps_delivery_address_errors(shipping_partner, self.partner_id)
        if errors:
            Partner = self.env["res.partner"]
            raise ValidationError(
                _(
                    "The delivery address is incomplete (%s): complete it to "
                    "ask for a proforma.",
                    ", ".join(
                        Partner._fields[field]._description_string(self.env)
                        for field in errors
                    ),
                )
            )
        self.write(
            {
                "partner_shipping_id": shipping_partner.id,
                "ps_terms_accepted_date": fields.Datetime.now(),
                "ps_terms_accepted_by": accepted_by.id,
                "ps_terms_accepted_ip": ip_address,
                "ps_terms_accepted_text": terms,
                "ps_terms_accepted_version": version,
            }
        )
        self._ps_set_stage("proforma_requested")
        self._ps_schedule_staff_activity(
            _("Price the proforma of %s", self.name),
            _(
                "%(customer)s asked for a proforma for %(count)s article(s).",
                customer=self.partner_id.name,
                count=self.ps_article_count,
            ),
        )
        return True

    @api.model
    def _ps_delivery_address_errors(self, address, customer=None):
        """What ``address`` (a res.partner, saved or new) lacks to deliver the
        goods there: {field name: message}, empty when it is complete.

        Name, street, city and country always; the zip code and the state
        where the country requires them (Odoo's ``zip_required`` and
        ``state_required`` of res.country); a phone to reach the customer:
        the address's, else the one of ``customer``."""
        required = _("This field is required.")
        errors = {}
        for field in ("name", "street", "city", "country_id"):
            if not address[field]:
                errors[field] = required
        country = address.country_id
        if country.zip_required and not address.zip:
            errors["zip"] = _("A zip code is required in %s.", country.name)
        if address.state_id and address.state_id.country_id != country:
            errors["state_id"] = _("Choose a state of %s.", country.name)
        elif country.state_required and not address.state_id:
            errors["state_id"] = _("A state is required in %s.", country.name)
        customer = customer or self.env["res.partner"]
        if not (address.phone or address.mobile or customer.phone or customer.mobile):
            errors["phone"] = _(
                "Give a phone number: we call you to arrange the delivery."
            )
        return errors

    @api.model
    def _ps_terms_version(self, terms):
        """The version of a terms and conditions text: its SHA-256."""
        return hashlib.sha256((terms or "").encode()).hexdigest()

    @api.model
    def _ps_no_terms_message(self):
        return _(
            "We cannot take requests yet: our terms and conditions are not "
            "published. Please contact us."
        )

    def _ps_terms_text(self):
        """The company's terms and conditions (Invoicing settings), in the
        language of the environment: the text the customer reads at checkout
        and the one stored as accepted."""
        self.ensure_one()
        company = self.company_id
        return (
            company.invoice_terms_html
            if company.terms_type == "html"
            else company.invoice_terms
        )
