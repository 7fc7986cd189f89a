from . import personal_shopper_proof_reject
