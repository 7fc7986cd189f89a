from odoo import api, models


class MailLinkPreview(models.Model):
    """Odoo's link previews make the server fetch the URLs of a message
    (``/mail/link_preview``, open to portal users and visitors): anyone could
    make it request an address of their choice, internal ones included
    (server-side request forgery). Previews are kept for internal users only;
    for portal users, visitors and guests no URL is fetched."""

    _inherit = "mail.link.preview"

    @api.model
    def _ps_may_fetch(self):
        return self.env.user._is_internal()

    @api.model
    def _create_from_message_and_notify(self, message, request_url=None):
        if not self._ps_may_fetch():
            return self
        return super()._create_from_message_and_notify(message, request_url=request_url)

    @api.model
    def _search_or_create_from_url(self, url):
        if not self._ps_may_fetch():
            return self.browse()
        return super()._search_or_create_from_url(url)
