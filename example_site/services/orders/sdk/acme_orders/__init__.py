"""Python client for the Acme Orders API (docstrings in the numpy style)."""

from acme_orders.client import OrdersClient

__all__ = ["OrdersClient"]
