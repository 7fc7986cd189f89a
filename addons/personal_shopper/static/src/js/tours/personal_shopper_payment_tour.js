import { registry } from "@web/core/registry";

// A small PNG "bank receipt".
const RECEIPT_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAFElEQVR4nGM8ISfHgA0wYRUdtBIA0MoBFD5jqJkAAAAASUVORK5CYII=";

async function attachReceipt(input) {
    const blob = await (await fetch(`data:image/png;base64,${RECEIPT_PNG}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], "receipt.png", { type: "image/png" }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

// Customer side of the money path: accept the proforma on the order page,
// then send the deposit's payment proof.
registry.category("web_tour.tours").add("personal_shopper_portal_payment", {
    steps: () => [
        {
            content: "The order shows its timeline",
            trigger: "#ps_timeline",
        },
        {
            content: "Accept the proforma",
            trigger: "#ps_accept_proforma_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The proforma is accepted",
            trigger: "#ps_message_proforma_accepted",
        },
        {
            content: "Attach the bank receipt",
            trigger: "#ps_payment #ps_proof_file",
            async run() {
                await attachReceipt(this.anchor);
            },
        },
        {
            content: "Send the payment proof",
            trigger: "#ps_proof_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The proof was received",
            trigger: "#ps_message_proof_sent",
        },
        {
            content: "It is listed with its file",
            trigger: "#ps_proofs td:contains('receipt.png')",
        },
    ],
});
