import publicWidget from "@web/legacy/js/public/public_widget";

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
        for (const button of this.el.querySelectorAll("button[type='submit']")) {
            button.classList.add("disabled");
            button.setAttribute("aria-disabled", "true");
        }
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
