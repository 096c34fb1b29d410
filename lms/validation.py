"""The one error type operations raise for bad input: a message a person can act on, and the
field it is about, so forms can show it beside the field and the API and CLI can name it."""

from __future__ import annotations


class InvalidInput(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field
