"""Python client for the Acme Payments API.

Create a client with your OAuth access token, then use its resources:

    from acme_payments import PaymentsClient

    client = PaymentsClient(token="...")
    payment = client.payments.create(customer_id="cus_8fK2aQ", amount=18950, currency="EUR")
"""

from acme_payments._client import PaymentsClient
from acme_payments._errors import ApiError, NotFoundError
from acme_payments._resources import Customers, Payments, Refunds
from acme_payments._types import Money, Payment, PaymentStatus, Refund

__all__ = [
    "ApiError",
    "Customers",
    "Money",
    "NotFoundError",
    "Payment",
    "PaymentStatus",
    "Payments",
    "PaymentsClient",
    "Refund",
    "Refunds",
]
