import { registry } from "@web/core/registry";

// Staff side: the requests kanban, pricing a request in its form, and the
// other personal shopper screens open in the web client.
registry.category("web_tour.tours").add("personal_shopper_backend", {
    url: "/odoo/action-personal_shopper.action_personal_shopper_order",
    steps: () => [
        {
            content: "The request waits in the kanban column of its stage",
            trigger: ".o_kanban_group .o_kanban_record:contains('Backend Tour Customer')",
            run: "click",
        },
        {
            content: "Compute the service fee and the estimated transport",
            trigger: ".o_form_view button[name='action_ps_compute_fees']",
            run: "click",
        },
        {
            content: "The service fee line was added",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:contains('Personal shopper service fee')",
        },
        {
            content: "Open the personal shopper tab",
            trigger: ".o_notebook a[name='personal_shopper']",
            run: "click",
        },
        {
            content: "The accepted terms are shown",
            trigger: ".o_field_widget[name='ps_terms_accepted_by']:contains('Backend Tour Customer')",
        },
        {
            content: "Open the payment proofs",
            trigger: "[data-menu-xmlid='personal_shopper.menu_personal_shopper_proofs']",
            run: "click",
        },
        {
            content: "The proof to check is listed",
            trigger: ".o_list_view .o_data_row:contains('Backend Tour Payer') td[name='kind']",
            run: "click",
        },
        {
            content: "It can be accepted from its form",
            trigger: ".o_form_view button[name='action_accept']",
        },
        {
            content: "Open the configuration menu",
            trigger: "[data-menu-xmlid='personal_shopper.menu_personal_shopper_config']",
            run: "click",
        },
        {
            content: "Open the partner shops",
            trigger: "[data-menu-xmlid='personal_shopper.menu_personal_shopper_shops']",
            run: "click",
        },
        {
            content: "The shops are listed",
            trigger: ".o_view_controller:contains('Backend Tour Shop')",
        },
    ],
});
