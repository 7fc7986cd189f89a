import { registry } from "@web/core/registry";

// The customer's side of the logistics: the reception photos on the order
// page, then shipping two requests waiting at the warehouse together.
registry.category("web_tour.tours").add("personal_shopper_logistics_consolidate", {
    steps: () => [
        {
            content: "The reception is shown with its photo",
            trigger: "#ps_reception .o_ps_reception img.o_ps_reception_photo",
        },
        {
            content: "Choose the other request waiting at the warehouse",
            trigger: "#ps_consolidate input[name='order_ids']",
            run: "click",
        },
        {
            content: "Ask to ship them together",
            trigger: "#ps_consolidate_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The demand is noted",
            trigger: "#ps_message_consolidated",
        },
        {
            content: "The shipment groups both requests",
            trigger: "#ps_shipment:contains('shipped together with')",
        },
    ],
});

// Once shipped: the tracking number and the carrier's tracking link; then the
// decision on a damaged article.
registry.category("web_tour.tours").add("personal_shopper_logistics_tracking", {
    steps: () => [
        {
            content: "The tracking number is shown",
            trigger: "#ps_shipment #ps_tracking_ref:contains('TRACK123')",
        },
        {
            content: "The tracking link leads to the carrier's site",
            trigger: "#ps_shipment a#ps_tracking_link[href='https://track.example.com/parcel?number=TRACK123']",
        },
        {
            content: "A damaged article waits for our decision",
            trigger: "#ps_reception .o_ps_reception_problem",
        },
        {
            content: "Ask for a refund",
            trigger: "#ps_reception .o_ps_decision_form .o_ps_decide_refund",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The decision is received",
            trigger: "#ps_message_decision",
        },
        {
            content: "It is shown on the article",
            trigger: "#ps_reception .o_ps_decision",
        },
    ],
});
