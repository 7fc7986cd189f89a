"""The life of a personal-shopper request, defined once.

Every rule about stages (which ones wait for a payment or for a check of a
payment proof, which ones may still be cancelled, where a request may go next)
is derived from ``STAGES`` below: the models, the portal and the views (through
computed fields) read these helpers, never their own lists.
"""

from typing import NamedTuple


class Stage(NamedTuple):
    key: str
    label: str
    # Where the request may go from here (cancelling aside).
    next: tuple = ()
    # "deposit" / "balance": the customer owes this payment in this stage.
    payment: str | None = None
    # A payment proof of the customer waits for a check by the staff.
    review: bool = False
    # The customer has to act (answer the proforma, pay): reminders are sent.
    customer_turn: bool = False
    # Staff may still cancel the request (nothing bought for the customer yet).
    cancellable: bool = False
    # "deposit" / "balance": the stage the request reaches once that payment
    # is complete; an undone payment (unreconciled, cancelled) takes it back.
    reached_by_paying: str | None = None
    # Neither the customer nor the staff have anything left to do.
    closed: bool = False


STAGES = (
    Stage("cart", "Cart", next=("proforma_requested",), cancellable=True),
    Stage(
        "proforma_requested",
        "Proforma requested",
        next=("proforma_sent",),
        cancellable=True,
    ),
    Stage(
        "proforma_sent",
        "Proforma sent",
        next=("proforma_requested", "proforma_sent", "deposit_pending", "confirmed"),
        cancellable=True,
        customer_turn=True,
    ),
    Stage(
        "deposit_pending",
        "Awaiting deposit",
        next=("deposit_review", "confirmed"),
        payment="deposit",
        cancellable=True,
        customer_turn=True,
    ),
    Stage(
        "deposit_review",
        "Awaiting deposit validation",
        next=("deposit_pending", "confirmed"),
        payment="deposit",
        review=True,
        cancellable=True,
    ),
    Stage(
        "confirmed",
        "Confirmed",
        next=("purchased", "deposit_pending"),
        cancellable=True,
        reached_by_paying="deposit",
    ),
    Stage("purchased", "Purchased", next=("in_transit",)),
    Stage("in_transit", "In transit", next=("arrived",)),
    Stage("arrived", "Arrived", next=("balance_pending",)),
    Stage(
        "balance_pending",
        "Awaiting balance",
        next=("balance_review", "ready"),
        payment="balance",
        customer_turn=True,
    ),
    Stage(
        "balance_review",
        "Awaiting balance validation",
        next=("balance_pending", "ready"),
        payment="balance",
        review=True,
    ),
    Stage(
        "ready",
        "Ready for pickup or delivery",
        next=("delivered", "balance_pending"),
        reached_by_paying="balance",
    ),
    Stage("delivered", "Delivered", closed=True),
    Stage("cancelled", "Cancelled", closed=True),
)

BY_KEY = {stage.key: stage for stage in STAGES}
STAGE_SELECTION = [(stage.key, stage.label) for stage in STAGES]
STAGE_ORDER = {stage.key: index for index, stage in enumerate(STAGES)}
PAYMENT_KINDS = ("deposit", "balance")
# Invoice payment states that count as paid (Odoo's own, see account.move).
PAID_STATES = ("paid", "in_payment")


def stages(**criteria):
    """Keys of the stages whose attributes equal ``criteria``, in order:
    ``stages(payment="deposit", review=False)`` -> ("deposit_pending",)."""
    return tuple(
        stage.key
        for stage in STAGES
        if all(getattr(stage, name) == value for name, value in criteria.items())
    )


def payment_stages():
    """Keys of the stages in which the customer owes a payment."""
    return tuple(stage.key for stage in STAGES if stage.payment)


def pending_stage(kind):
    """The stage in which ``kind`` (deposit/balance) is awaited, no proof sent."""
    return stages(payment=kind, review=False)[0]


def review_stage(kind):
    """The stage in which a proof of ``kind`` waits for a check."""
    return stages(payment=kind, review=True)[0]


def paid_stage(kind):
    """The stage a request reaches once ``kind`` is paid."""
    return stages(reached_by_paying=kind)[0]


def cancellable_stages():
    return stages(cancellable=True)
