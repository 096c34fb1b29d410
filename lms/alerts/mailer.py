"""Building alert emails (plain text and HTML) and sending them over SMTP with smtplib."""

from __future__ import annotations

import contextlib
import html
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    security: str = "none"  # none, starttls or tls
    user: str = ""
    password: str = ""
    sender: str = "training@localhost"
    timeout_seconds: int = 20

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> SmtpSettings:
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(config["SMTP_PORT"]),
            security=str(config["SMTP_SECURITY"]),
            user=str(config["SMTP_USER"]),
            password=str(config["SMTP_PASSWORD"]),
            sender=str(config["SMTP_FROM"]),
            timeout_seconds=int(config["SMTP_TIMEOUT_SECONDS"]),
        )

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


class SendError(Exception):
    """A message was not accepted. ``permanent`` when retrying cannot help (a 5xx refusal)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class Item:
    """One alert as it appears in a message."""

    subject: str
    body: str


def _html_document(title: str, items: Sequence[Item], link: str, footer: str) -> str:
    sections = "".join(
        f'<h2 style="font-size:1.1em">{html.escape(item.subject)}</h2>'
        f"<p>{html.escape(item.body)}</p>"
        for item in items
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family:Arial,sans-serif;line-height:1.5;color:#1b1f24">'
        f"{sections}"
        f'<p><a href="{html.escape(link, quote=True)}">Open your notifications</a></p>'
        f'<p style="color:#4a5360;font-size:0.9em">{html.escape(footer)}</p>'
        "</body></html>"
    )


def build_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    items: Sequence[Item],
    link: str,
    organisation: str,
) -> EmailMessage:
    """A multipart/alternative message: the plain text first, then the same in HTML."""
    footer = (
        f"Sent by the {organisation} mentor training records. You get this because of your "
        "role; it also appears in your notifications in the app."
    )
    text = "\n\n".join(f"{item.subject}\n\n{item.body}" for item in items)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(f"{text}\n\nOpen your notifications: {link}\n\n-- \n{footer}\n")
    message.add_alternative(_html_document(subject, items, link, footer), subtype="html")
    return message


def _permanent(code: object) -> bool:
    return isinstance(code, int) and 500 <= code < 600


class SmtpSender:
    """Sends through one SMTP connection, opened on first use and reused for the whole run.

    Once the server cannot be reached, every later message fails at once with the same error
    instead of waiting out the timeout again.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = ssl.create_default_context()
        if settings.security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            connection = smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout_seconds
            )
        try:
            if settings.security == "starttls":
                connection.starttls(context=context)
            if settings.user:
                connection.login(settings.user, settings.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise SendError(self._unreachable)
        if self._connection is None:
            try:
                self._connection = self._connect()
            except smtplib.SMTPAuthenticationError as error:
                self._unreachable = f"the SMTP server at {self.settings.address} refused the "
                self._unreachable += f"user name or password ({error.smtp_code})"
                raise SendError(self._unreachable) from None
            except (OSError, smtplib.SMTPException) as error:
                reason = str(error) or type(error).__name__
                self._unreachable = f"could not connect to {self.settings.address}: {reason}"
                raise SendError(self._unreachable) from None
        return self._connection

    def send(self, message: EmailMessage) -> None:
        connection = self._open()
        try:
            refused = connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise SendError(
                f"recipient refused: {error.recipients}", all(_permanent(c) for c in codes)
            ) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise SendError(
                f"{error.smtp_code} {error.smtp_error!r}", _permanent(error.smtp_code)
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            # The connection broke mid-conversation: try a new one for the next message.
            self._drop()
            raise SendError(f"sending failed: {error or type(error).__name__}") from None
        if refused:
            raise SendError(f"recipient refused: {refused}")

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
