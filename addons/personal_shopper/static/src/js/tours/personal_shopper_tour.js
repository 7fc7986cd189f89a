import { registry } from "@web/core/registry";

const EMAIL = "tour.customer@example.com";
const PASSWORD = "Tour-password-2024";

function addArticle(name, url, quantity) {
    return [
        {
            content: `Name the article ${name}`,
            trigger: "#ps_add_article input[name='name']",
            run: `edit ${name}`,
        },
        {
            content: "Give its link",
            trigger: "#ps_add_article input[name='url']",
            run: `edit ${url}`,
        },
        {
            content: "Give the quantity",
            trigger: "#ps_add_article input[name='quantity']",
            run: `edit ${quantity}`,
        },
        {
            content: "Add it to the cart",
            trigger: "#ps_add_article_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The article is in the cart",
            trigger: `.o_ps_article_name:contains("${name}")`,
        },
    ];
}

registry.category("web_tour.tours").add("personal_shopper_signup", {
    steps: () => [
        {
            content: "Enter the e-mail",
            trigger: ".oe_signup_form input[name='login']",
            run: `edit ${EMAIL}`,
        },
        {
            content: "Enter the name",
            trigger: ".oe_signup_form input[name='name']",
            run: "edit Tour Customer",
        },
        {
            content: "No password is asked yet",
            trigger: ".oe_signup_form:not(:has(input[name='password']))",
        },
        {
            content: "Sign up",
            trigger: ".oe_signup_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "We are asked to check our mailbox",
            trigger: "#ps_signup_check_mailbox",
        },
    ],
});

// From the link of the sign-up e-mail: the owner of the address chooses the
// password and gives the phone number, then is logged in.
registry.category("web_tour.tours").add("personal_shopper_signup_complete", {
    steps: () => [
        {
            content: "Enter the phone number",
            trigger: ".oe_signup_form input[name='mobile']",
            run: "edit +33 6 11 22 33 44",
        },
        {
            content: "Choose a password",
            trigger: ".oe_signup_form input[name='password']",
            run: `edit ${PASSWORD}`,
        },
        {
            content: "Confirm the password",
            trigger: ".oe_signup_form input[name='confirm_password']",
            run: `edit ${PASSWORD}`,
        },
        {
            content: "Activate the account",
            trigger: ".oe_signup_form #ps_signup_complete",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "We are in the portal",
            trigger: ".o_portal_my_home",
        },
    ],
});

registry.category("web_tour.tours").add("personal_shopper_cart_to_proforma", {
    steps: () => [
        {
            content: "Enter the e-mail",
            trigger: ".oe_login_form input[name='login']",
            run: `edit ${EMAIL}`,
        },
        {
            content: "Enter the password",
            trigger: ".oe_login_form input[name='password']",
            run: `edit ${PASSWORD}`,
        },
        {
            content: "Log in",
            trigger: ".oe_login_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the partner shops",
            trigger: ".o_portal_my_home a[href='/my/shops']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Add an article from the first shop",
            trigger: ".o_ps_shop .o_ps_add_from_shop:first",
            run: "click",
            expectUnloadPage: true,
        },
        ...addArticle("Blue sneakers", "https://www.us-shop.example.com/item/1", 1),
        ...addArticle("Red scarf", "https://uk-shop.example.com/p/2", 2),
        ...addArticle("Green hat", "https://www.other-shop.example.org/hat", 1),
        {
            content: "Three articles are in the cart",
            trigger: "#ps_cart_lines tbody tr.o_ps_cart_line:nth-child(3)",
        },
        {
            content: "Change the quantity of the first article",
            trigger: "#ps_cart_lines tr.o_ps_cart_line:first input[name='quantity']",
            run: "edit 3",
        },
        {
            content: "Update it",
            trigger: "#ps_cart_lines tr.o_ps_cart_line:first .o_ps_line_update button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The quantity is updated",
            trigger: "#ps_message_updated",
        },
        {
            content: "Remove the last article",
            trigger: "#ps_cart_lines tr.o_ps_cart_line:last .o_ps_line_remove button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The article is removed",
            trigger: "#ps_message_removed",
        },
        {
            content: "Validate the cart",
            trigger: "#ps_cart_checkout",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Deliver to the address of the profile",
            trigger: "#ps_addresses input[name='address']:first",
            run: "check",
        },
        {
            content: "Accept the terms and conditions",
            trigger: "#ps_terms",
            run: "check",
        },
        {
            content: "Request the proforma",
            trigger: "#ps_checkout_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The order page confirms the request",
            trigger: "#ps_message_proforma_requested",
        },
    ],
});
