"""Exceptions raised by the rules and the services.

Every message is written for the person at the screen. Messages are plain English source strings; the web
layer translates them (they are listed in the catalogues) before showing them.
"""


def N_(message: str) -> str:
    """Mark a message for the translation catalogues without translating it here (core stays pure)."""
    return message


class AssistError(Exception):
    """Base of every error the rules and services raise on purpose."""

    def __init__(self, message: str, field: str | None = None, **params):
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message % self.params if self.params else self.message


class ValidationError(AssistError):
    """Input that breaks a rule; `field` names the form field it belongs to."""


class InvalidIdentifier(ValidationError):
    """An identification number, employer code or document number that is not well formed."""


class WeakPassword(ValidationError):
    """A new password that the password policy refuses."""


class NotAllowed(AssistError):
    """A step the current user may not take (wrong state, maker-checker, wrong owner)."""


class NotFound(AssistError):
    """A record that does not exist for this user (also used for another employer's records)."""


class Conflict(AssistError):
    """The change collides with existing data (a duplicate, or a record changed meanwhile)."""
