"""18.0.1.1.0, sign-up: logins are stored normalised (stripped, lower case),
and the two sign-up e-mail templates of 18.0.1.0.0 are replaced by new ones
(their body called methods that are gone, and noupdate kept them as they were).

Pending sign-ups of 18.0.1.0.0 need nothing: their confirmation links lead to
the "ask for a new link" page, a new link finishes them as new ones are, and the
clean-up job frees the addresses of those it had archived."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

OLD_TEMPLATES = (
    "personal_shopper.mail_template_signup_confirmation",
    "personal_shopper.mail_template_signup_already_registered",
)


def migrate(cr, version):
    if not version:
        return
    # Logins that another one equals once normalised are left as they are
    # (and logged): an administrator has to choose which account keeps it.
    cr.execute(
        """
        UPDATE res_users u
           SET login = lower(btrim(u.login))
         WHERE u.login != lower(btrim(u.login))
           AND NOT EXISTS (
                SELECT 1 FROM res_users o
                 WHERE o.id != u.id
                   AND lower(btrim(o.login)) = lower(btrim(u.login)))
        """
    )
    _logger.info("personal_shopper: %s logins normalised", cr.rowcount)
    cr.execute(
        """
        SELECT array_agg(id ORDER BY id), lower(btrim(login))
          FROM res_users
         GROUP BY lower(btrim(login))
        HAVING count(*) > 1
        """
    )
    for ids, login in cr.fetchall():
        _logger.warning(
            "personal_shopper: users %s share the login %r but for its case or "
            "spaces; only one of them can log in with it: rename the others",
            ids,
            login,
        )
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in OLD_TEMPLATES:
        template = env.ref(xmlid, raise_if_not_found=False)
        if template:
            template.unlink()
