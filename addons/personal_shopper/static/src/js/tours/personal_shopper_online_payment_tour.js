import { registry } from "@web/core/registry";

// Customer side of the online payment (test_online_payment.py): pay the
// deposit from the request's page with Odoo's demo payment provider, then
// land back on the request's page.
registry.category("web_tour.tours").add("personal_shopper_online_payment", {
    steps: () => [
        {
            content: "Open the payment form of the deposit invoice",
            trigger: "#ps_pay_online_button",
            run: "click",
        },
        {
            content: "Type the (test) card details",
            trigger: "#ps_pay_online_modal #customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "#ps_pay_online_modal button[name='o_payment_submit_button']:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the request's page: paid, and the request is confirmed",
            trigger: "#ps_online_payment_done",
        },
    ],
});
