from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        # A company loading a chart Personal Shopper knows (res_company.py,
        # PS_CHART_ACCOUNTING) gets the taxes and accounts of the request's
        # products from it, whether or not demo data are loaded.
        result = super()._post_load_data(template_code, company, template_data)
        company._ps_setup_products_accounting()
        return result
