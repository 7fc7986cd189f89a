from . import auth_signup
from . import portal
from . import payment
from . import portal_article
from . import portal_logistics
