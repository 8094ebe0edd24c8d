"""The Orders client."""

from __future__ import annotations


class OrdersClient:
    """Create and track orders.

    Parameters
    ----------
    api_key : str
        The key sent in the `X-API-Key` header.
    region : str
        `eu` or `us`.
    """

    def __init__(self, api_key: str, region: str = "eu") -> None:
        self.api_key = api_key
        self.region = region

    def list_orders(self, status: str | None = None, limit: int = 50) -> list[dict]:
        """List orders, newest first.

        Parameters
        ----------
        status : str, optional
            Only orders in this status.
        limit : int
            Page size.

        Returns
        -------
        list of dict
            The orders.
        """
        raise NotImplementedError

    def create_order(self, customer_id: str, line_items: list[dict]) -> dict:
        """Create an order in the `draft` status.

        Parameters
        ----------
        customer_id : str
            The customer ordering.
        line_items : list of dict
            SKUs and quantities.
        warehouse : str
            Documented here, but the signature has no such parameter.

        Returns
        -------
        dict
            The new order.
        """
        raise NotImplementedError

    def get_order(self, order_id):
        raise NotImplementedError

    def cancel_order(self, order_id: str, reason: str) -> dict:
        """Cancel an order that has not shipped.

        Parameters
        ----------
        order_id : str
            The order to cancel.
        """
        raise NotImplementedError
