"""The domain's own errors. Services raise them; views answer with their status.

A service never raises Http404 or returns a response: the same service answers a page,
the review, an import or the API, and each door says "no" in its own way.
"""


class DomainError(Exception):
    """A change the rules refuse; `message` is what the person who tried it reads."""

    status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """Someone else's change, or a rule about other rows, stands in the way."""

    status = 409
