"""The client: authentication, retries and the resources."""

from __future__ import annotations

from acme_payments._resources import Customers, Payments, Refunds


class PaymentsClient:
    """Entry point of the SDK.

    Args:
        token: An OAuth access token with the `payments:read` or `payments:write` scope.
        base_url: Override the API's address, for the sandbox.
        timeout: Seconds to wait for an answer.
    """

    def __init__(
        self,
        token: str,
        base_url: str = "https://api.acme-logistics.example/payments/v2",
        timeout: float = 30.0,
    ) -> None:
        self.token = token
        self.base_url = base_url
        self.timeout = timeout
        self.payments = Payments(self)
        self.refunds = Refunds(self)
        self.customers = Customers(self)

    @property
    def sandbox(self) -> bool:
        """Whether the client talks to the sandbox."""
        return "sandbox" in self.base_url

    def request(self, method: str, path: str, **options: object) -> object:
        """Send one request and decode the answer.

        Args:
            method: HTTP method.
            path: Path below `base_url`.
            **options: Query parameters, `json` body, `idempotency_key`.

        Returns:
            The decoded JSON body.
        """
        raise NotImplementedError

    def paginate(self, path: str, **query: object):
        raise NotImplementedError
