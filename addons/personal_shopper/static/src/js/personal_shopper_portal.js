import publicWidget from "@web/legacy/js/public/public_widget";

/**
 * The submit buttons of a form that is being sent, shown as such.
 */
function disableSubmitButtons(form) {
    for (const button of form.querySelectorAll("button[type='submit']")) {
        button.classList.add("disabled");
        button.setAttribute("aria-disabled", "true");
    }
}

/**
 * Forms of the personal shopper portal are sent once: a double click on a
 * submit button must not send them twice.
 */
publicWidget.registry.PersonalShopperSubmitOnce = publicWidget.Widget.extend({
    selector: "form.o_ps_submit_once",
    events: {
        submit: "_onSubmit",
    },

    _onSubmit(ev) {
        if (this.submitted) {
            ev.preventDefault();
            return;
        }
        this.submitted = true;
        disableSubmitButtons(this.el);
    },
});

/**
 * Typing a new delivery address selects it.
 */
publicWidget.registry.PersonalShopperNewAddress = publicWidget.Widget.extend({
    selector: "#ps_new_address",
    events: {
        input: "_onInput",
    },

    _onInput() {
        document.getElementById("ps_address_new").checked = true;
    },
});

/**
 * Payment proof form: the file's size and type are checked before sending
 * (the server checks them again); the typed note and amount are kept in the
 * tab's session storage, so that they are still there when the server sends
 * the customer back to the order page with an error, even when it could not
 * read the form at all (an upload over its size limit).
 */
const PROOF_TYPES = ["image/jpeg", "image/png", "application/pdf"];
const PROOF_EXTENSIONS = /\.(jpe?g|png|pdf)$/i;

publicWidget.registry.PersonalShopperProofForm = publicWidget.Widget.extend({
    selector: "form.o_ps_proof_form",
    events: {
        submit: "_onSubmit",
        "change input[name='proof_file']": "_onFileChange",
    },

    start() {
        const kept = this._storage("get");
        const sent = document.getElementById("ps_message_proof_sent");
        if (kept && document.getElementById("ps_error") && !sent) {
            for (const name of ["note", "amount"]) {
                const field = this.el.querySelector(`[name='${name}']`);
                if (field && !field.value && kept[name]) {
                    field.value = kept[name];
                }
            }
        }
        if (sent || !document.getElementById("ps_error")) {
            this._storage("remove");
        }
        return this._super(...arguments);
    },

    _storageKey() {
        return `ps_proof_form:${new URL(this.el.action, window.location.href).pathname}`;
    },

    _storage(action, value) {
        try {
            if (action === "get") {
                return JSON.parse(window.sessionStorage.getItem(this._storageKey()) || "null");
            } else if (action === "set") {
                window.sessionStorage.setItem(this._storageKey(), JSON.stringify(value));
            } else {
                window.sessionStorage.removeItem(this._storageKey());
            }
        } catch {
            // storage unavailable (private mode): the server keeps what it can
        }
        return null;
    },

    _fileError(file) {
        if (!file) {
            return "";
        }
        const maxSize = parseInt(this.el.dataset.maxSize || "0", 10);
        if (maxSize && file.size > maxSize) {
            return this.el.dataset.tooLargeMessage || "";
        }
        if (!PROOF_TYPES.includes(file.type) && !PROOF_EXTENSIONS.test(file.name)) {
            return (this.el.dataset.wrongTypeMessage || "").replace("%(file)s", file.name);
        }
        return "";
    },

    _showFileError(message) {
        const input = this.el.querySelector("input[name='proof_file']");
        const feedback = this.el.querySelector(".o_ps_proof_file_error");
        input.classList.toggle("is-invalid", Boolean(message));
        if (feedback) {
            feedback.textContent = message;
        }
    },

    _onFileChange(ev) {
        this._showFileError(this._fileError(ev.target.files[0]));
    },

    _onSubmit(ev) {
        if (this.submitted) {
            ev.preventDefault();
            return;
        }
        const input = this.el.querySelector("input[name='proof_file']");
        const message = this._fileError(input.files[0]);
        this._showFileError(message);
        if (message) {
            ev.preventDefault();
            return;
        }
        // sent once (as the forms of PersonalShopperSubmitOnce)
        this.submitted = true;
        disableSubmitButtons(this.el);
        this._storage("set", {
            note: this.el.querySelector("[name='note']")?.value || "",
            amount: this.el.querySelector("[name='amount']")?.value || "",
        });
    },
});

/**
 * New delivery address: the state list offers the states of the chosen
 * country only.
 */
publicWidget.registry.PersonalShopperAddressStates = publicWidget.Widget.extend({
    selector: "#ps_new_address",
    events: {
        "change select[name='new_country_id']": "_filterStates",
    },

    start() {
        this._filterStates();
        return this._super(...arguments);
    },

    _filterStates() {
        const country = this.el.querySelector("select[name='new_country_id']")?.value;
        const select = this.el.querySelector("select[name='new_state_id']");
        if (!select) {
            return;
        }
        let visible = 0;
        for (const option of select.options) {
            if (!option.value) {
                continue;
            }
            const shown = option.dataset.countryId === country;
            option.hidden = !shown;
            option.disabled = !shown;
            if (!shown && option.selected) {
                select.value = "";
            }
            visible += shown ? 1 : 0;
        }
        select.closest("div").classList.toggle("d-none", !visible);
    },
});
