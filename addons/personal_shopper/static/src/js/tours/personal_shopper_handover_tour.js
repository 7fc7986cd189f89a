import { registry } from "@web/core/registry";

// Customer side of the hand-over: once the balance is paid, choose a
// delivery to the saved address and a time slot on the order page.
registry.category("web_tour.tours").add("personal_shopper_portal_handover", {
    steps: () => [
        {
            content: "The order shows the storage countdown",
            trigger: "#ps_storage",
        },
        {
            content: "Choose the delivery",
            trigger: "#ps_handover_form #ps_handover_delivery",
            run: "click",
        },
        {
            content: "Choose the first time slot",
            trigger: "#ps_handover_form select#ps_handover_slot",
            run: "selectByIndex 1",
        },
        {
            content: "Confirm the choice",
            trigger: "#ps_handover_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The choice is confirmed",
            trigger: "#ps_message_handover_saved",
        },
        {
            content: "It is shown as the current choice",
            trigger: "#ps_handover_current:contains('1 rue de la Paix')",
        },
    ],
});
