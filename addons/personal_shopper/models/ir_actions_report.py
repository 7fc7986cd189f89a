import logging
import re

from odoo import models

_logger = logging.getLogger(__name__)
_report_logger = logging.getLogger("odoo.addons.base.models.ir_actions_report")

# The patched-Qt wkhtmltopdf 0.12.4 that scripts/setup installs is linked
# against OpenSSL 1.0. On Debian 12 (OpenSSL 3), Qt lists on stderr the SSL
# functions it cannot resolve whenever a page names an https URL (web's
# fonts.scss names Noto fonts on fonts.odoocdn.com), and Odoo logs that as a
# warning for every PDF. The PDF is complete (layout, headers, text): only
# those lines are logged at debug level; anything else wkhtmltopdf says stays
# a warning.
QT_SSL_NOISE = re.compile(r"QSslSocket: cannot (resolve|call unresolved function) \w+")
# While modules are installed or upgraded (demo documents), no HTTP server runs:
# wkhtmltopdf cannot fetch the report's stylesheets then, and only then.
NO_SERVER_YET = "Exit with code 1 due to network error: ConnectionRefusedError"
PREFIX = "wkhtmltopdf: "


class _WkhtmltopdfNoise(logging.Filter):
    def __init__(self, loading_modules):
        super().__init__()
        self.loading_modules = loading_modules

    def _is_noise(self, line):
        return QT_SSL_NOISE.fullmatch(line) or (
            self.loading_modules and line == NO_SERVER_YET
        )

    def filter(self, record):
        message = record.getMessage()
        if not message.startswith(PREFIX):
            return True
        lines = [line.strip() for line in message[len(PREFIX) :].splitlines()]
        rest = [line for line in lines if line and not self._is_noise(line)]
        if len(rest) == len([line for line in lines if line]):
            return True
        _logger.debug("%s", message)
        if not rest:
            return False
        record.msg, record.args = PREFIX + "%s", ("\n".join(rest),)
        return True


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, *args, **kwargs):
        noise = _WkhtmltopdfNoise(loading_modules=not self.pool.ready)
        _report_logger.addFilter(noise)
        try:
            return super()._run_wkhtmltopdf(*args, **kwargs)
        finally:
            _report_logger.removeFilter(noise)
