from . import test_signup
from . import test_portal_cart
from . import test_portal_access
from . import test_portal_tour
