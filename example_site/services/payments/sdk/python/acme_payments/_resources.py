"""The API's resources, reached from the client: `client.payments`, `client.refunds` ..."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from acme_payments._types import Money, Payment, PaymentStatus, Refund

if TYPE_CHECKING:
    from acme_payments._client import PaymentsClient


class Payments:
    """Create, read and capture payments."""

    def __init__(self, client: PaymentsClient) -> None:
        self._client = client

    def create(
        self,
        customer_id: str,
        amount: int,
        currency: str,
        *,
        capture: bool = False,
        idempotency_key: str | None = None,
    ) -> Payment:
        """Create a payment and start its authorisation.

        Args:
            customer_id: The customer who pays.
            amount: Amount in minor units.
            currency: ISO 4217 currency code.
            capture: Capture the payment right after authorisation.
            idempotency_key: Repeating a request with the same key returns the first result.

        Returns:
            The new payment, usually `pending`.

        Raises:
            ApiError: The API refused the payment.
        """
        body = {"customerId": customer_id, "amount": {"amount": amount, "currency": currency}, "capture": capture}
        return self._client.request("POST", "/payments", json=body, idempotency_key=idempotency_key)

    def get(self, payment_id: str) -> Payment:
        """Get a payment.

        Args:
            payment_id: The payment's identifier.

        Returns:
            The payment.

        Raises:
            NotFoundError: No payment has this identifier.
        """
        return self._client.request("GET", f"/payments/{payment_id}")

    def list(self, status: PaymentStatus | None = None, limit: int = 20) -> Iterator[Payment]:
        """List payments, newest first, fetching further pages as you iterate.

        Args:
            status: Only payments with this status.
            limit: Page size, from 1 to 100.

        Yields:
            Each payment.
        """
        yield from self._client.paginate("/payments", status=status, limit=limit)

    def capture(self, payment_id: str, amount: Money | None = None) -> Payment:
        """Capture an authorised payment (operationId `capturePayment`).

        Args:
            payment_id: The payment to capture.
            amount: Capture less than authorised; the rest is released.

        Returns:
            The payment, now `succeeded`.
        """
        return self._client.request("POST", f"/payments/{payment_id}/capture")


class Refunds:
    """Refund payments."""

    def __init__(self, client: PaymentsClient) -> None:
        self._client = client

    def create(self, payment_id: str, amount: Money | None = None, reason: str = "") -> Refund:
        """Refund a payment in full or in part.

        Args:
            payment_id: The payment to refund.
            amount: Refund less than the payment; default: all of it.
            reason: Shown to the customer.

        Returns:
            The refund.
        """
        return self._client.request("POST", f"/payments/{payment_id}/refunds")

    def get(self, refund_id: str) -> Refund:
        return self._client.request("GET", f"/refunds/{refund_id}")


class Customers:
    """Read customers."""

    def __init__(self, client: PaymentsClient) -> None:
        self._client = client
