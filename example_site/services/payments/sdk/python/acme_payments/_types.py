"""The objects the API sends and receives."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PaymentStatus(enum.Enum):
    """Where a payment is in its life."""

    PENDING = "pending"
    AUTHORIZED = "authorized"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class Money:
    """An amount in the minor unit of its currency.

    Attributes:
        amount: Minor units (cents, pence, öre).
        currency: ISO 4217 code, such as `EUR`.
    """

    amount: int
    currency: str


@dataclass(frozen=True)
class Payment:
    """A payment.

    Attributes:
        id: Identifier, such as `pay_7Hd02Kx`.
        status: Where the payment is in its life.
        amount: The amount authorised.
    """

    id: str
    status: PaymentStatus
    amount: Money


@dataclass(frozen=True)
class Refund:
    """A refund of a payment, in full or in part."""

    id: str
    payment_id: str
    amount: Money
