from . import controllers
from . import models
from . import wizard


def _post_init_hook(env):
    # Companies that already have a chart of accounts: their taxes and
    # accounts for the request's products (later charts: account_chart_template)
    env["res.company"].search(
        [("chart_template", "!=", False)]
    )._ps_setup_products_accounting()
