import math
import uuid

from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import float_compare, format_amount, is_html_empty

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers import portal as sale_portal

from .. import const

ADDRESS_FIELDS = ("name", "street", "city", "zip", "state_id", "country_id", "phone")
ADDRESS_FIELD_MAX = 128
PROOF_NOTE_MAX = 1000
PROOF_AMOUNT_MAX_FACTOR = 10
# room for the other form fields and the multipart boundaries of a proof upload
UPLOAD_OVERHEAD = 64 * 1024
USED_FORM_TOKENS_KEPT = 50
# portal_scale: every portal page costs the same whatever the customer's
# history: lists are paged (portal_pager) or bounded to these sizes
PS_HOME_LIST_LIMIT = 5
PS_CART_RECENT_REQUESTS = 5
PS_CART_LINES_PER_PAGE = 20


class CustomerPortal(sale_portal.CustomerPortal):
    # ------------------------------------------------------------------
    # Portal home
    # ------------------------------------------------------------------
    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        partner = request.env.user.partner_id
        SaleOrder = request.env["sale.order"]
        # portal_scale: bounded whatever the customer's history (a count and
        # the first PS_HOME_LIST_LIMIT orders, the rest on /my/requests)
        balance_domain = [
            ("is_personal_shopper", "=", True),
            ("ps_payment_kind", "=", "balance"),
            ("partner_id", "child_of", partner.commercial_partner_id.id),
        ]
        balance_orders = SaleOrder.search(
            balance_domain, order="date_order desc, id desc", limit=PS_HOME_LIST_LIMIT
        )
        response.qcontext.update(
            {
                "ps_cart_count": self._ps_cart_article_count(self._ps_cart()),
                "ps_balance_orders": balance_orders,
                "ps_balance_count": SaleOrder.search_count(balance_domain),
            }
        )
        return response

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ps_request_count" in counters:
            values["ps_request_count"] = request.env["sale.order"].search_count(
                self._ps_requests_domain()
            )
        return values

    # ------------------------------------------------------------------
    # Requests (submitted carts, whatever their stage)
    # ------------------------------------------------------------------
    def _ps_requests_domain(self):
        partner = request.env.user.partner_id
        return [
            ("is_personal_shopper", "=", True),
            ("ps_stage", "!=", "cart"),
            ("partner_id", "child_of", partner.commercial_partner_id.id),
        ]

    def _ps_requests_searchbar_sortings(self):
        # the id breaks ties: the same page shows the same requests
        return {
            "date": {"label": _("Newest"), "order": "date_order desc, id desc"},
            "oldest": {"label": _("Oldest"), "order": "date_order asc, id asc"},
            "name": {"label": _("Reference"), "order": "name desc, id desc"},
        }

    def _ps_requests_searchbar_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "your_turn": {
                "label": _("Your turn"),
                "domain": [("ps_stage", "in", const.stages(customer_turn=True))],
            },
            "open": {
                "label": _("In progress"),
                "domain": [("ps_is_closed", "=", False)],
            },
            "closed": {"label": _("Closed"), "domain": [("ps_is_closed", "=", True)]},
        }

    def _ps_requests_searchbar_inputs(self):
        return {
            "name": {
                "input": "name",
                "label": _("Search in Reference"),
                "domain": lambda search: [("name", "ilike", search)],
            },
        }

    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_ps_requests(
        self, page=1, sortby=None, filterby=None, search=None, search_in="name", **kw
    ):
        """Every request of the customer with its stage in words: those
        waiting for a proforma (still quotations to Odoo) included, which
        sale's /my/quotes and /my/orders do not list. Paged, sortable,
        filterable and searchable as sale's /my/orders (portal_scale)."""
        SaleOrder = request.env["sale.order"]
        searchbar_sortings = self._ps_requests_searchbar_sortings()
        searchbar_filters = self._ps_requests_searchbar_filters()
        searchbar_inputs = self._ps_requests_searchbar_inputs()
        if sortby not in searchbar_sortings:
            sortby = "date"
        if filterby not in searchbar_filters:
            filterby = "all"
        if search_in not in searchbar_inputs:
            search_in = "name"
        domain = self._ps_requests_domain() + searchbar_filters[filterby]["domain"]
        if search:
            domain += searchbar_inputs[search_in]["domain"](search)
        pager = portal_pager(
            url="/my/requests",
            total=SaleOrder.search_count(domain),
            page=page,
            step=self._items_per_page,
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            },
        )
        ps_requests = SaleOrder.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ps_requests",
                "ps_requests": ps_requests.sudo(),
                "customer_turn_stages": const.stages(customer_turn=True),
                "pager": pager,
                "default_url": "/my/requests",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
                "searchbar_inputs": searchbar_inputs,
                "search_in": search_in,
                "search": search,
            }
        )
        return request.render("personal_shopper.portal_my_requests", values)

    # ------------------------------------------------------------------
    # Partner shops
    # ------------------------------------------------------------------
    @http.route("/my/shops", type="http", auth="public", website=True)
    def portal_ps_shops(self, category=None, **kw):
        Shop = request.env["personal.shopper.shop"]
        all_shops = Shop.search([])
        categories = all_shops.category_id.sorted()
        current_category = categories.filtered(lambda c: str(c.id) == category)
        groups = [
            (group, all_shops.filtered(lambda s, group=group: s.category_id == group))
            for group in (current_category or categories)
        ]
        if not current_category:
            groups.append(
                (categories.browse(), all_shops.filtered(lambda s: not s.category_id))
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ps_shops",
                "shop_groups": [(group, shops) for group, shops in groups if shops],
                "categories": categories,
                "current_category": current_category,
            }
        )
        return request.render("personal_shopper.portal_my_shops", values)

    # ------------------------------------------------------------------
    # Cart
    # ------------------------------------------------------------------
    def _ps_cart(self):
        return request.env["sale.order"]._ps_get_cart(request.env.user.partner_id)

    def _ps_cart_line(self, line_id):
        """The article ``line_id`` of the current user's cart, or 404."""
        cart = self._ps_cart()
        line = request.env["sale.order.line"].sudo()
        if cart:
            line = line.search(
                [
                    ("id", "=", line_id),
                    ("order_id", "=", cart.id),
                    ("ps_is_article", "=", True),
                ]
            )
        if not line:
            raise NotFound()
        return line

    def _ps_form_token_used(self, token):
        return not token or token in request.session.get("ps_used_form_tokens", [])

    def _ps_use_form_token(self, token):
        used = request.session.get("ps_used_form_tokens", [])
        request.session["ps_used_form_tokens"] = [*used, token][-USED_FORM_TOKENS_KEPT:]

    def _ps_cart_article_count(self, cart):
        """The number of articles of ``cart``, counted by the database."""
        if not cart:
            return 0
        return (
            request.env["sale.order.line"]
            .sudo()
            .search_count([("order_id", "=", cart.id), ("ps_is_article", "=", True)])
        )

    def _ps_cart_lines_page(self, cart, page=1, url="/my/cart"):
        """(pager, lines, total) of one page of ``cart``'s articles: a long
        cart is paged as sale's lists are (portal_scale)."""
        total = self._ps_cart_article_count(cart)
        pager = portal_pager(
            url=url,
            total=total,
            page=page,
            step=PS_CART_LINES_PER_PAGE,
        )
        lines = request.env["sale.order.line"]
        if cart:
            lines = lines.sudo().search(
                [("order_id", "=", cart.id), ("ps_is_article", "=", True)],
                order="sequence, id",
                limit=PS_CART_LINES_PER_PAGE,
                offset=pager["offset"],
            )
        return pager, lines, total

    def _ps_render_cart(
        self, article=None, errors=None, line_errors=None, message=None, page=1
    ):
        cart = self._ps_cart()
        partner = request.env.user.partner_id
        pager, lines, lines_count = self._ps_cart_lines_page(cart, page)
        requests_domain = [
            ("is_personal_shopper", "=", True),
            ("ps_stage", "!=", "cart"),
            ("partner_id", "child_of", partner.commercial_partner_id.id),
        ]
        SaleOrder = request.env["sale.order"]
        # the latest requests only: all of them are on /my/requests
        recent = SaleOrder.search(
            requests_domain,
            order="date_order desc, id desc",
            limit=PS_CART_RECENT_REQUESTS,
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ps_cart",
                "cart": cart,
                "lines": lines,
                "lines_count": lines_count,
                # not "pager": portal_table would page the requests with it
                "ps_cart_pager": pager,
                "article": article or {"quantity": 1},
                "errors": errors or {},
                "line_errors": line_errors or {},
                "message": message,
                "form_token": uuid.uuid4().hex,
                "requests": recent,
                "requests_count": SaleOrder.search_count(requests_domain),
            }
        )
        return request.render("personal_shopper.portal_my_cart", values)

    @http.route(
        ["/my/cart", "/my/cart/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_ps_cart(self, shop_id=None, message=None, page=1, **kw):
        article = {"quantity": 1}
        if shop_id and shop_id.isdigit():
            shop = request.env["personal.shopper.shop"].browse(int(shop_id)).exists()
            article["url"] = shop.url or ""
        return self._ps_render_cart(article=article, message=message, page=page)

    def _ps_cart_page_url(self, page, message):
        """Back to the cart's page ``page`` (the pager keeps it in range)."""
        page = int(page) if str(page or "").isdigit() and int(page) > 1 else 1
        base = f"/my/cart/page/{page}" if page > 1 else "/my/cart"
        return f"{base}?message={message}"

    @http.route(
        "/my/cart/add", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_ps_cart_add(
        self, name="", url="", quantity="", details="", form_token=None, **kw
    ):
        if self._ps_form_token_used(form_token):
            # double submission of the same form: the article is already there
            return request.redirect("/my/cart")
        article = {"name": name, "url": url, "quantity": quantity, "details": details}
        # the article's alternative and what to do if unavailable (issue 10)
        article.update(
            {key: kw.get(key) or "" for key in ("alternative", "if_unavailable")}
        )
        # the shop price, currency and page reading of the form (issue 13: autofill)
        article.update(request.env["sale.order.line"]._ps_autofill_form_values(kw))
        errors = request.env["sale.order.line"]._ps_validate_article(article)
        if not errors:
            cart = request.env["sale.order"]._ps_get_cart(
                request.env.user.partner_id, create=True
            )
            try:
                cart._ps_add_article(article)
            except UserError as error:
                errors = {"form": error.args[0]}
        if errors:
            return self._ps_render_cart(article=article, errors=errors)
        self._ps_use_form_token(form_token)
        return request.redirect("/my/cart?message=article_added")

    @http.route(
        "/my/cart/line/<int:line_id>/update",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ps_cart_line_update(self, line_id, quantity="", page=1, **kw):
        line = self._ps_cart_line(line_id)
        try:
            line._ps_update_article({"quantity": quantity})
        except (UserError, ValidationError) as error:
            return self._ps_render_cart(
                line_errors={line.id: (quantity, error.args[0])},
                page=page if str(page).isdigit() else 1,
            )
        return request.redirect(self._ps_cart_page_url(page, "article_updated"))

    @http.route(
        "/my/cart/line/<int:line_id>/remove",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ps_cart_line_remove(self, line_id, page=1, **kw):
        self._ps_cart_line(line_id).unlink()
        return request.redirect(self._ps_cart_page_url(page, "article_removed"))

    # --- paste a link, get the article (issue 13: autofill) ---
    @http.route(
        "/my/cart/article_info",
        type="json",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_ps_cart_article_info(self, url="", **kw):
        """What the shop's page at ``url`` states (name, price, currency,
        picture), for the cart form; or {"error": message}. The model ends
        the transaction before reading the page (see
        personal.shopper.link.fetch._ps_fetch)."""
        if not isinstance(url, str):
            return {"error": _("Give the link to the article.")}
        return request.env["personal.shopper.link.fetch"]._ps_portal_fetch(url)

    # ------------------------------------------------------------------
    # Checkout
    # ------------------------------------------------------------------
    def _ps_delivery_addresses(self):
        partner = request.env.user.partner_id.sudo()
        return partner | partner.child_ids.filtered(lambda p: p.type == "delivery")

    def _ps_address_form_values(self, partner):
        """The checkout form's values of an existing address (to complete it)."""
        return {
            "name": partner.name or "",
            "street": partner.street or "",
            "city": partner.city or "",
            "zip": partner.zip or "",
            "state_id": str(partner.state_id.id or ""),
            "country_id": str(partner.country_id.id or ""),
            "phone": partner.phone or partner.mobile or "",
        }

    def _ps_new_address_values(self, address):
        """res.partner values of the new address typed in the checkout form
        (ids already checked by _ps_check_new_address)."""
        customer = request.env.user.partner_id
        return {
            "type": "delivery",
            "name": address.get("name") or customer.name,
            "street": address.get("street") or False,
            "city": address.get("city") or False,
            "zip": address.get("zip") or False,
            "state_id": int(address["state_id"]) if address.get("state_id") else False,
            "country_id": int(address["country_id"])
            if address.get("country_id")
            else False,
            "phone": address.get("phone") or False,
        }

    def _ps_check_new_address(self, address, cart=None):
        """{field: message} of the new address typed in the checkout form:
        lengths and choices here, completeness by the request's own rule
        (``_ps_delivery_address_errors``, checked again on submission)."""
        errors = {}
        for field in ADDRESS_FIELDS:
            if len(address.get(field) or "") > ADDRESS_FIELD_MAX:
                errors[field] = _(
                    "Too long (%s characters at most).", ADDRESS_FIELD_MAX
                )
        for field, model in (
            ("country_id", "res.country"),
            ("state_id", "res.country.state"),
        ):
            value = address.get(field)
            if value and not (
                value.isdigit()
                and request.env[model].sudo().browse(int(value)).exists()
            ):
                address[field] = ""
                errors[field] = (
                    _("Choose a country from the list.")
                    if field == "country_id"
                    else _("Choose a state from the list.")
                )
        SaleOrder = cart or request.env["sale.order"]
        new_partner = (
            request.env["res.partner"].sudo().new(self._ps_new_address_values(address))
        )
        for field, message in SaleOrder._ps_delivery_address_errors(
            new_partner, request.env.user.partner_id.sudo()
        ).items():
            errors.setdefault(field, message)
        return errors

    def _ps_create_delivery_address(self, address):
        partner = request.env.user.partner_id
        Partner = request.env["res.partner"].sudo()
        return Partner.create(
            {"parent_id": partner.id, **self._ps_new_address_values(address)}
        )

    def _ps_render_checkout(self, cart, **values):
        company = cart.company_id
        addresses = self._ps_delivery_addresses()
        customer = request.env.user.partner_id.sudo()
        incomplete = {
            address.id: cart._ps_delivery_address_errors(address, customer)
            for address in addresses
        }
        complete = addresses.filtered(lambda a: not incomplete[a.id])
        default_address = (
            cart.partner_shipping_id
            if cart.partner_shipping_id in complete
            else complete[:1]
        )
        ICP = request.env["ir.config_parameter"].sudo()
        use_terms = ICP.get_param("account.use_invoice_terms")
        # the text shown is the one stored as accepted (its version is sent
        # back with the form): the company's terms in the reader's language
        terms_text = cart._ps_terms_text()
        if is_html_empty(terms_text):
            terms_text = False
        __, lines, lines_count = self._ps_cart_lines_page(cart)
        render_values = self._prepare_portal_layout_values()
        render_values.update(
            {
                "page_name": "ps_checkout",
                "cart": cart,
                # the first articles (a long cart is reviewed on /my/cart)
                "lines": lines,
                "lines_count": lines_count,
                "addresses": addresses,
                "incomplete_addresses": incomplete,
                "address_choice": str(default_address.id) if default_address else "new",
                "new_address": {},
                "errors": {},
                "countries": request.env["res.country"].sudo().search([]),
                "states": request.env["res.country.state"].sudo().search([]),
                "terms_url": "/terms"
                if terms_text
                and use_terms
                and company.terms_type == "html"
                and company == request.env.company
                else False,
                "terms_text": terms_text,
                "terms_version": cart._ps_terms_version(terms_text)
                if terms_text
                else False,
                "no_terms_message": cart._ps_no_terms_message(),
                **values,
            }
        )
        return request.render("personal_shopper.portal_my_cart_checkout", render_values)

    @http.route(
        "/my/cart/checkout",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_ps_cart_checkout(
        self, terms=None, address=None, terms_version=None, **post
    ):
        cart = self._ps_cart()
        if request.httprequest.method == "GET":
            if not self._ps_cart_article_count(cart):
                return request.redirect("/my/cart")
            return self._ps_render_checkout(cart)
        if not cart:
            # already submitted (double click, second tab) or nothing to submit
            last = request.env["sale.order"].search(
                [
                    ("is_personal_shopper", "=", True),
                    ("partner_id", "=", request.env.user.partner_id.id),
                    ("ps_stage", "=", "proforma_requested"),
                ],
                order="id desc",
                limit=1,
            )
            if last:
                return request.redirect(
                    last.get_portal_url(query_string="&message=proforma_requested")
                )
            return request.redirect("/my/cart")

        errors = {}
        new_address = {
            field: (post.get(f"new_{field}") or "").strip() for field in ADDRESS_FIELDS
        }
        if not terms:
            errors["terms"] = _("Please accept the terms and conditions.")
        addresses = self._ps_delivery_addresses()
        shipping = request.env["res.partner"]
        if address == "new":
            errors.update(self._ps_check_new_address(new_address, cart))
        else:
            shipping = addresses.filtered(lambda p: str(p.id) == address)
            if not shipping:
                errors["address"] = _("Choose a delivery address.")
            else:
                missing = cart._ps_delivery_address_errors(
                    shipping, request.env.user.partner_id.sudo()
                )
                if missing:
                    # completed in the new address form, next to each field
                    errors.update(missing)
                    errors["address"] = _(
                        "This address is incomplete: complete it below."
                    )
                    address = "new"
                    new_address = self._ps_address_form_values(shipping)
        if errors:
            return self._ps_render_checkout(
                cart,
                errors=errors,
                address_choice=address,
                new_address=new_address,
                terms_checked=bool(terms),
            )
        try:
            with request.env.cr.savepoint():
                if address == "new":
                    shipping = self._ps_create_delivery_address(new_address)
                cart._ps_request_proforma(
                    shipping,
                    request.env.user.partner_id,
                    request.httprequest.remote_addr,
                    terms_version=terms_version,
                )
        except UserError as error:
            return self._ps_render_checkout(
                cart,
                errors={"form": error.args[0]},
                address_choice=address,
                new_address=new_address,
                terms_checked=False,
            )
        return request.redirect(
            cart.get_portal_url(query_string="&message=proforma_requested")
        )

    # ------------------------------------------------------------------
    # Order page
    # ------------------------------------------------------------------
    def _get_sale_searchbar_sortings(self):
        """sale's /my/orders and /my/quotes sort by date only: orders of the
        same date (created together, e.g. imported) then come in any order,
        and so do the previous/next links of the order page read from that
        list (``get_records_pager``), whose cost depends on the neighbours.
        The id breaks the ties, as sale.order's own ``_order`` does
        (portal_scale: a stable order page)."""
        sortings = super()._get_sale_searchbar_sortings()
        date = sortings.get("date")
        if date and date.get("order") == "date_order desc":
            sortings["date"] = dict(date, order="date_order desc, id desc")
        return sortings

    @http.route()
    def portal_order_page(self, order_id, *args, **kwargs):
        response = super().portal_order_page(order_id, *args, **kwargs)
        order_sudo = response.qcontext.get("sale_order") if response.is_qweb else None
        if order_sudo and order_sudo.is_personal_shopper:
            kind, invoice = order_sudo._ps_expected_proof()
            response.qcontext.update(
                {
                    **self._ps_order_page_records(order_sudo),
                    "ps_error": request.session.pop("ps_portal_error", None),
                    # what the customer typed in a refused proof form
                    "ps_proof_form": request.session.pop("ps_proof_form", None) or {},
                    # checked in the browser before sending (the server checks again)
                    "ps_proof_too_large_message": _(
                        "The file is too large: %(size)s MB at most.",
                        size=order_sudo.company_id.ps_proof_max_size or 10,
                    ),
                    "ps_proof_wrong_type_message": _(
                        "%(file)s is not a JPEG, PNG or PDF file.", file="%(file)s"
                    ),
                    "ps_proof_kind": kind,
                    "ps_invoice": invoice,
                }
            )
        return response

    def _ps_order_page_records(self, order_sudo):
        """What the page of a request reads, in as few queries as possible
        whatever its history (orderperf): its payment proofs in one query,
        and its currencies (the request's, its shops' for the exchange
        rates) read together."""
        currencies = order_sudo.currency_id | order_sudo.order_line.ps_shop_currency_id
        # reading one reads them all (the prefetch), in one query
        order_sudo.currency_id.with_prefetch(currencies.ids).mapped("name")
        return {"ps_proofs": order_sudo._ps_portal_proofs()}

    def _ps_order_or_redirect(self, order_id, access_token):
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token
            )
        except (AccessError, MissingError):
            return None
        return order_sudo if order_sudo.is_personal_shopper else None

    def _ps_back_to_order(self, order_sudo, error=None, message=None, form=None):
        if error:
            request.session["ps_portal_error"] = error
            if form:
                request.session["ps_proof_form"] = form
        return request.redirect(
            order_sudo.get_portal_url(
                query_string=f"&message={message}" if message else None
            )
        )

    @http.route(
        "/my/orders/<int:order_id>/ps_accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_accept_proforma(self, order_id, access_token=None, **kw):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        try:
            accepted = order_sudo._ps_accept_proforma()
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(
            order_sudo, message="proforma_accepted" if accepted else None
        )

    # storage: delivery or pickup, and a slot, once the balance is paid
    @http.route(
        "/my/orders/<int:order_id>/ps_handover",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ps_handover(
        self, order_id, access_token=None, method=None, slot=None, **kw
    ):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                order_sudo._ps_set_handover(method, slot)
        except UserError as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0])
        return self._ps_back_to_order(order_sudo, message="handover_saved")

    @http.route(
        "/my/orders/<int:order_id>/ps_proof",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        # refused before the body is read (see _ps_proof_max_content_length),
        # answered by ir.http._handle_error with _ps_proof_too_large
        max_content_length=lambda self: self._ps_proof_max_content_length(),
        on_too_large=lambda self, order_id: self._ps_proof_too_large(order_id),
    )
    def portal_ps_upload_proof(
        self, order_id, access_token=None, proof_file=None, amount=None, note=None, **kw
    ):
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        form = {"note": (note or "")[:PROOF_NOTE_MAX], "amount": (amount or "")[:64]}
        try:
            data, filename = self._ps_read_proof_file(order_sudo, proof_file)
            amount_value = self._ps_check_proof_amount(order_sudo, amount)
            Attachment = request.env["ir.attachment"].sudo()
            with request.env.cr.savepoint():
                # _ps_add_proof checks the file and sets its type from its content
                attachment = Attachment.create(
                    {
                        "name": filename,
                        "raw": data,
                        "res_model": "sale.order",
                        "res_id": order_sudo.id,
                    }
                )
                order_sudo._ps_add_proof(
                    attachment,
                    amount_value,
                    source="portal",
                    note=(note or "").strip()[:PROOF_NOTE_MAX] or False,
                )
        except (UserError, ValidationError) as error:
            return self._ps_back_to_order(order_sudo, error=error.args[0], form=form)
        return self._ps_back_to_order(order_sudo, message="proof_sent")

    def _ps_proof_max_content_length(self):
        """The largest proof upload read at all: the largest proof size of the
        companies, plus room for the other fields. Bigger ones are refused
        before their body is read; smaller ones are checked against their
        order's company limit by _ps_read_proof_file."""
        sizes = request.env["res.company"].sudo().search([]).mapped("ps_proof_max_size")
        return (
            max([size or 10 for size in sizes] or [10]) * 1024 * 1024 + UPLOAD_OVERHEAD
        )

    def _ps_proof_too_large(self, order_id):
        """The answer to a proof upload over the route's limit, whose form
        could not be read: back to the order page (the access token is in the
        form's URL) with the size message in the customer's language. The
        browser keeps the typed note (see personal_shopper_portal.js)."""
        access_token = request.httprequest.args.get("access_token")
        order_sudo = self._ps_order_or_redirect(order_id, access_token)
        if not order_sudo:
            return request.redirect("/my")
        max_size = order_sudo.company_id.ps_proof_max_size or 10
        return self._ps_back_to_order(
            order_sudo,
            error=_("The file is too large: %(size)s MB at most.", size=max_size),
        )

    def _ps_read_proof_file(self, order_sudo, proof_file):
        """Return (content, file name) of the uploaded proof, refusing oversized
        uploads before reading them."""
        kind, invoice = order_sudo._ps_expected_proof()
        if not kind or not invoice:
            raise UserError(
                _("No payment is expected on %s at this stage.", order_sudo.name)
            )
        max_bytes = (order_sudo.company_id.ps_proof_max_size or 10) * 1024 * 1024
        too_big = UserError(
            _(
                "The file is too large: %(size)s MB at most.",
                size=order_sudo.company_id.ps_proof_max_size or 10,
            )
        )
        if (request.httprequest.content_length or 0) > max_bytes + UPLOAD_OVERHEAD:
            raise too_big
        if not proof_file or not getattr(proof_file, "filename", None):
            raise UserError(_("Choose the file of your payment proof."))
        data = proof_file.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_big
        return data, proof_file.filename

    def _ps_check_proof_amount(self, order_sudo, amount):
        """Return the declared amount (None: the amount due), or raise."""
        if not (amount or "").strip():
            return None
        invoice = order_sudo._ps_expected_proof()[1]
        currency = invoice.currency_id
        try:
            # as typed in the customer's language: "1 234,56" or "1234.56"
            value = float("".join(amount.split()).replace(",", "."))
        except ValueError:
            value = 0.0
        if (
            not math.isfinite(value)
            or float_compare(value, 0.0, precision_rounding=currency.rounding) <= 0
            or float_compare(
                value,
                invoice.amount_residual * PROOF_AMOUNT_MAX_FACTOR,
                precision_rounding=currency.rounding,
            )
            > 0
        ):
            raise UserError(
                _(
                    "The amount paid must be more than 0 and not more than %(max)s.",
                    max=format_amount(
                        request.env,
                        invoice.amount_residual * PROOF_AMOUNT_MAX_FACTOR,
                        currency,
                    ),
                )
            )
        return currency.round(value)

    # ------------------------------------------------------------------
    # Request document (proforma)
    # ------------------------------------------------------------------
    def _show_report(self, model, report_type, report_ref, download=False):
        """The portal's "View Details" / download of a request gives its
        proforma (or, before it is priced, the request), not sale's quotation
        report that ``portal_order_page`` asks for."""
        if (
            report_ref == "sale.action_report_saleorder"
            and model._name == "sale.order"
            and len(model) == 1
            and model.is_personal_shopper
        ):
            report_ref = "personal_shopper.action_report_ps_proforma"
        return super()._show_report(model, report_type, report_ref, download=download)
