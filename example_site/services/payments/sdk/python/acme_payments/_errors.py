"""Errors raised by the client."""


class ApiError(Exception):
    """The API answered with an error.

    Attributes:
        status: The HTTP status code.
        problem: The `application/problem+json` body, when the API sent one.
    """

    def __init__(self, status: int, problem: dict | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.problem = problem or {}


class NotFoundError(ApiError):
    """The payment, refund or customer does not exist."""
