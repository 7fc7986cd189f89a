import publicWidget from "@web/legacy/js/public/public_widget";
import { rpc } from "@web/core/network/rpc";

/**
 * Cart form: pasting (or changing) the link to an article reads the shop's
 * page on the server (/my/cart/article_info) and fills the name, the price,
 * the currency and shows the picture and the sizes / colours the page lists.
 *
 * What the customer typed wins: a field is filled only while it is empty or
 * still holds what was filled before. Nothing is ever cleared; when the page
 * cannot be read the customer is told so and fills the form by hand. Without
 * JavaScript the form works as before (all fields typed by hand).
 */
publicWidget.registry.PersonalShopperAutofill = publicWidget.Widget.extend({
    selector: "#ps_add_article",
    events: {
        "paste input[name='url']": "_onPaste",
        "change input[name='url']": "_onChange",
        "input input[name='url']": "_onInput",
    },

    start() {
        this.filled = {};
        this.sequence = 0;
        this.lastUrl = null;
        this.box = this.el.querySelector("#ps_autofill");
        return this._super(...arguments);
    },

    /**
     * A message of the template (translated there), by its element's id.
     */
    _message(id) {
        return this.el.querySelector(`#${id}`)?.textContent || "";
    },

    _onPaste() {
        // the pasted text is in the field once the event is over
        setTimeout(() => this._read(), 0);
    },

    _onChange() {
        clearTimeout(this.inputTimer);
        this._read();
    },

    _onInput() {
        // typed by hand: read once the customer stops typing
        clearTimeout(this.inputTimer);
        this.inputTimer = setTimeout(() => this._read(), 800);
    },

    destroy() {
        clearTimeout(this.inputTimer);
        this._super(...arguments);
    },

    _field(name) {
        return this.el.querySelector(`[name='${name}']`);
    },

    /**
     * Fill ``name`` with ``value`` unless the customer typed something else.
     */
    _fill(name, value) {
        const field = this._field(name);
        if (!field || value === undefined || value === null || value === "") {
            return;
        }
        if (field.value === "" || field.value === this.filled[name]) {
            field.value = String(value);
            this.filled[name] = field.value;
            field.classList.add("o_ps_autofilled");
        }
    },

    _status(message, kind) {
        const status = this.el.querySelector("#ps_autofill_status");
        if (!status) {
            return;
        }
        status.textContent = message || "";
        status.className = `small ${kind ? `text-${kind}` : ""}`;
        status.dataset.state = kind || "";
    },

    async _read() {
        const input = this._field("url");
        const url = (input.value || "").trim();
        if (!this.box || !/^https?:\/\/\S+$/i.test(url) || url === this.lastUrl) {
            return;
        }
        this.lastUrl = url;
        const sequence = ++this.sequence;
        const fetchId = this._field("fetch_id");
        if (fetchId) {
            fetchId.value = "";
        }
        this._status(this._message("ps_autofill_reading_message"), "muted");
        let result;
        try {
            result = await rpc("/my/cart/article_info", { url });
        } catch {
            result = { error: this._message("ps_autofill_failed_message") };
        }
        if (sequence !== this.sequence) {
            return; // another link was pasted meanwhile
        }
        if (!result || result.error) {
            this._status(
                (result && result.error) || this._message("ps_autofill_failed_message"),
                "warning"
            );
            return;
        }
        this._fill("name", result.title);
        this._fill("shop_price", result.price);
        if (result.currency_id) {
            this._fill("shop_currency", String(result.currency_id));
        }
        if (fetchId) {
            fetchId.value = result.fetch_id || "";
        }
        const picture = this.el.querySelector("#ps_autofill_picture");
        if (picture) {
            picture.classList.toggle("d-none", !result.image);
            if (result.image) {
                picture.src = result.image;
            } else {
                picture.removeAttribute("src");
            }
        }
        const options = this.el.querySelector("#ps_autofill_options");
        if (options) {
            options.textContent = result.options || "";
        }
        this._status(result.message, result.availability === "out_of_stock" ? "warning" : "success");
    },
});
