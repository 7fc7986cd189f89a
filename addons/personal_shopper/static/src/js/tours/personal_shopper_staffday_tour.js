import { registry } from "@web/core/registry";

// The staff's day, click by click (issue 14). Each step that clicks says
// which click it is; typing is not counted.

// A 2-article request from "proforma requested" to "proforma sent": 4 clicks.
registry.category("web_tour.tours").add("personal_shopper_staffday_proforma", {
    url: "/odoo/action-personal_shopper.action_personal_shopper_order",
    steps: () => [
        {
            content: "The card shows the customer's contacts, shops and age",
            trigger:
                ".o_kanban_record:contains('Staffday Customer') .o_ps_card_contact:contains('+33 4 78')",
        },
        {
            content: "... and its age",
            trigger: ".o_kanban_record:contains('Staffday Customer') .o_ps_card_dates",
        },
        {
            content: "The closed and empty stages are folded",
            trigger: ".o_kanban_group.o_column_folded",
        },
        {
            content: "Click 1: open the request from its kanban card",
            trigger: ".o_kanban_record:contains('Staffday Customer')",
            run: "click",
        },
        {
            content: "The card's request opens with the customer's contacts",
            trigger: ".o_form_view .o_field_widget[name='ps_partner_email']:contains('staffday')",
        },
        {
            content: "Click 2: the shop price of the first article",
            trigger:
                "div[name='order_line'] .o_data_row:nth-child(1) td[name='ps_shop_price_unit']",
            run: "click",
        },
        {
            content: "Type it",
            trigger:
                "div[name='order_line'] .o_data_row:nth-child(1).o_selected_row td[name='ps_shop_price_unit'] input",
            run: "edit 100",
        },
        {
            content: "Click 3: the shop price of the second article",
            trigger:
                "div[name='order_line'] .o_data_row:nth-child(2) td[name='ps_shop_price_unit']",
            run: "click",
        },
        {
            content: "Type it",
            trigger:
                "div[name='order_line'] .o_data_row:nth-child(2).o_selected_row td[name='ps_shop_price_unit'] input",
            run: "edit 50",
        },
        {
            content: "Click 4: send the proforma (saves, adds the fees, e-mails it)",
            trigger: ".o_form_view button[name='action_ps_send_proforma']",
            run: "click",
        },
        {
            content: "The request is at 'Proforma sent'",
            trigger:
                ".o_form_view .o_field_widget[name='ps_stage'] .o_arrow_button_current:contains('Proforma sent')",
        },
    ],
});

// A payment proof from "to check" to accepted: 3 clicks, the file shown in
// the review screen (no new tab).
registry.category("web_tour.tours").add("personal_shopper_staffday_proof", {
    url: "/odoo/action-personal_shopper.action_personal_shopper_order",
    steps: () => [
        {
            content: "Click 1: the payment proofs menu",
            trigger: "[data-menu-xmlid='personal_shopper.menu_personal_shopper_proofs']",
            run: "click",
        },
        {
            content: "Click 2: the proof to check",
            trigger: ".o_list_view .o_data_row:contains('Staffday Payer') td[name='kind']",
            run: "click",
        },
        {
            content: "The file is shown next to the amounts",
            trigger: ".o_form_view .o_field_widget[name='file_data'] iframe.o_pdfview_iframe",
        },
        {
            content: "The amount due of the invoice is shown",
            trigger: ".o_form_view .o_field_widget[name='invoice_amount_due']",
        },
        {
            content: "Click 3: accept",
            trigger: ".o_form_view button[name='action_accept']",
            run: "click",
        },
        {
            content: "The proof is accepted",
            trigger:
                ".o_form_view .o_field_widget[name='state'] .o_arrow_button_current:contains('Accepted')",
        },
    ],
});
