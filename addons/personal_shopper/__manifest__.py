# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Personal Shopper",
    "summary": "Buy-it-for-me service: customers list articles from foreign web shops "
    "in the portal; staff price, buy, ship and deliver them.",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/personal-shopper/personal_shopper",
    "author": "Personal Shopper developers",
    "license": "AGPL-3",
    "depends": [
        "sale_management",
        "account",
        "portal",
        "mail",
        "auth_signup",
    ],
    "data": [
        "security/personal_shopper_security.xml",
        "security/ir.model.access.csv",
        "data/product_data.xml",
        "data/personal_shopper_shop_category_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/auth_signup_data.xml",
        "reports/personal_shopper_reports.xml",
        "reports/report_proforma.xml",
        "data/mail_template_data.xml",
        "wizard/personal_shopper_proof_reject_views.xml",
        "views/personal_shopper_shop_views.xml",
        "views/personal_shopper_payment_proof_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/personal_shopper_menus.xml",
        "views/auth_signup_templates.xml",
        "views/personal_shopper_portal_templates.xml",
    ],
    "demo": [
        "demo/personal_shopper_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "personal_shopper/static/src/scss/personal_shopper_portal.scss",
            "personal_shopper/static/src/js/personal_shopper_portal.js",
        ],
        "web.assets_tests": [
            "personal_shopper/static/src/js/tours/*.js",
        ],
    },
    "application": True,
}
