from . import personal_shopper_order_cancel
from . import personal_shopper_proof_reject
from . import sale_advance_payment_inv
