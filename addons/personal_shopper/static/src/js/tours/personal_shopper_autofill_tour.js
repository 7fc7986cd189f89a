import { registry } from "@web/core/registry";

// Paste a link, get the article (issue 13): the test opens the cart with the
// test shop's page in ``ps_tour_link``.
registry.category("web_tour.tours").add("personal_shopper_autofill", {
    steps: () => [
        {
            content: "Paste the link to the article",
            trigger: "#ps_add_article input[name='url']",
            async run(helpers) {
                const link = new URLSearchParams(window.location.search).get("ps_tour_link");
                await helpers.edit(link);
            },
        },
        {
            content: "The shop's page was read",
            trigger: "#ps_autofill_status[data-state='success']",
        },
        {
            content: "The name is filled",
            trigger: "#ps_add_article input[name='name']:value(Blue sneakers)",
        },
        {
            content: "The price is filled",
            trigger: "#ps_add_article input[name='shop_price']:value(1234.5)",
        },
        {
            content: "The currency is chosen",
            trigger: "#ps_add_article select[name='shop_currency'] option[data-code='GBP']:selected:not(:visible)",
        },
        {
            content: "The picture is shown",
            trigger: "#ps_autofill_picture:not(.d-none)",
        },
        {
            content: "The sizes are listed",
            trigger: "#ps_autofill_options:contains(42, 43)",
        },
        {
            content: "Correct the price",
            trigger: "#ps_add_article input[name='shop_price']",
            run: "edit 1199,90",
        },
        {
            content: "Add it to the cart",
            trigger: "#ps_add_article_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The article is in the cart, with its picture",
            trigger: ".o_ps_cart_line:has(.o_ps_article_picture) .o_ps_article_name:contains(Blue sneakers)",
        },
    ],
});
