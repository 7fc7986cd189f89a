import { registry } from "@web/core/registry";

/**
 * The payment proof form checks the file in the browser before sending it:
 * too large or of the wrong type, it is not sent and the customer reads why
 * next to the field (the server checks again).
 */
function chooseFile(input, name, size, type) {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(size)], name, { type }));
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("personal_shopper_proof_checks", {
    steps: () => [
        {
            content: "Type a message",
            trigger: "#ps_proof_note",
            run: "edit Paid on Monday",
        },
        {
            content: "Choose a file over the size limit",
            trigger: "#ps_proof_file",
            run() {
                chooseFile(this.anchor, "big.png", 2 * 1024 * 1024, "image/png");
            },
        },
        {
            content: "The size is refused next to the field",
            trigger: "#ps_proof_file_error:contains('The file is too large: 1 MB at most.')",
        },
        {
            content: "Send anyway",
            trigger: "#ps_proof_submit",
            run: "click",
        },
        {
            content: "Nothing was sent: the message is still typed",
            trigger: "#ps_proof_file.is-invalid",
            run() {
                if (document.getElementById("ps_proof_note").value !== "Paid on Monday") {
                    throw new Error("the typed message was lost");
                }
            },
        },
        {
            content: "Choose a file of the wrong type",
            trigger: "#ps_proof_file",
            run() {
                chooseFile(this.anchor, "notes.txt", 10, "text/plain");
            },
        },
        {
            content: "The type is refused next to the field",
            trigger: "#ps_proof_file_error:contains('notes.txt is not a JPEG, PNG or PDF file.')",
        },
        {
            content: "Choose a good file",
            trigger: "#ps_proof_file",
            run() {
                chooseFile(this.anchor, "receipt.pdf", 10, "application/pdf");
            },
        },
        {
            content: "No error left",
            trigger: "#ps_proof_file:not(.is-invalid)",
        },
    ],
});
