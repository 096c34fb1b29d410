"""Configuration from ``LMS_*`` environment variables.

Everything the app reads from its environment is parsed here, once, at start-up, so a
mistake (a missing secret in production, a number that is not a number) stops the app with
a clear message instead of surfacing later as a 500.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

#: The checkout the app runs from: templates/, migrations/ and curricula/ live here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "production", "testing")

#: Licences a supervising clinician may hold, unless ``LMS_LICENCE_TYPES`` lists others.
LICENCE_TYPES = ("LICSW", "LCSW", "LMHC", "LMFT", "Psychologist", "Psychiatric nurse (APRN)")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: The supervision topics checklist, unless ``LMS_SUPERVISION_TOPICS`` lists others.
SUPERVISION_TOPICS = (
    "Case review",
    "Safety and risk",
    "Goals and treatment plan",
    "Family engagement",
    "Community resources",
    "Boundaries and ethics",
    "Self-care",
    "Documentation",
    "Training and development",
)


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _bounded(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    value = _int(env, name, default, minimum=minimum)
    if value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {value}")
    return value


def _int_list(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(sorted({int(part) for part in raw.split(",")}, reverse=True))
    except ValueError:
        raise ConfigError(
            f"{name} must be whole numbers separated by commas, not {raw!r}"
        ) from None
    if any(value < 0 for value in values):
        raise ConfigError(f"{name} must not contain negative numbers")
    return values


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, default).strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _service_hours(env: Mapping[str, str]) -> str:
    """``LMS_SERVICE_HOURS``, checked now so a typo stops start-up rather than the roster."""
    from lms.service_hours.rules import DEFAULT_SERVICE_HOURS, parse_service_hours
    from lms.validation import InvalidInput

    raw = env.get("LMS_SERVICE_HOURS", "").strip() or DEFAULT_SERVICE_HOURS
    try:
        parse_service_hours(raw)
    except InvalidInput as error:
        raise ConfigError(f"LMS_SERVICE_HOURS: {error.message}") from None
    return raw


def _list(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    values = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not values:
        raise ConfigError(f"{name} must list at least one value, separated by commas")
    return values


def _development_secret_key(instance_path: Path) -> str:
    """A key generated on first start and kept in ``instance/`` so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    return key


def load_config(env: Mapping[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    environment = env.get("LMS_ENV", "development")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"LMS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    production = environment == "production"
    instance_path = Path(env.get("LMS_INSTANCE_PATH", PROJECT_ROOT / "instance"))

    database_url = env.get("LMS_DATABASE_URL") or f"sqlite:///{instance_path / 'lms.sqlite3'}"
    if production and database_url.startswith("sqlite"):
        raise ConfigError(
            "LMS_DATABASE_URL points at SQLite; production needs PostgreSQL "
            "(e.g. postgresql+psycopg://user:password@host/dbname)"
        )

    secret_key = env.get("LMS_SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError("LMS_SECRET_KEY is not set; production needs a long random secret")
        secret_key = _development_secret_key(instance_path)

    return {
        "LMS_ENV": environment,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "DEBUG": False,
        "TESTING": environment == "testing",
        "LMS_TIMEZONE": env.get("LMS_TIMEZONE", "America/New_York"),
        "LMS_ORGANISATION_NAME": env.get("LMS_ORGANISATION_NAME", "Demo Mentoring Agency"),
        # Sessions (ASVS V7): idle and absolute limits, cookie hardening.
        "SESSION_IDLE_MINUTES": _int(env, "LMS_SESSION_IDLE_MINUTES", 30, minimum=1),
        "SESSION_MAX_HOURS": _int(env, "LMS_SESSION_MAX_HOURS", 12, minimum=1),
        "SESSION_COOKIE_NAME": "__Host-lms_session" if production else "lms_session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_PROTECTION": "strong",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session does
        "MAX_CONTENT_LENGTH": _int(env, "LMS_MAX_UPLOAD_BYTES", 12 * 1024 * 1024, minimum=1024),
        # The staff-import confirmation carries the checked CSV (up to 2 MB, base64) in a form
        # field; say so rather than depend on Werkzeug's default for non-file form data.
        "MAX_FORM_MEMORY_SIZE": 4 * 1024 * 1024,
        # Sign-in throttling (ASVS V6.3): per account and per client address.
        "LOGIN_MAX_FAILURES": _int(env, "LMS_LOGIN_MAX_FAILURES", 5, minimum=1),
        "LOGIN_WINDOW_MINUTES": _int(env, "LMS_LOGIN_WINDOW_MINUTES", 15, minimum=1),
        "LOGIN_LOCKOUT_MINUTES": _int(env, "LMS_LOGIN_LOCKOUT_MINUTES", 15, minimum=1),
        "LOGIN_MAX_FAILURES_PER_IP": _int(env, "LMS_LOGIN_MAX_FAILURES_PER_IP", 20, minimum=1),
        # Training: the hire/annual cycle and the knowledge checks.
        "CURRICULUM_KEY": env.get("LMS_CURRICULUM", "tm-core"),
        "INITIAL_TRAINING_DAYS": _int(env, "LMS_INITIAL_TRAINING_DAYS", 30, minimum=1),
        "RENEWAL_WINDOW_DAYS": _int(env, "LMS_RENEWAL_WINDOW_DAYS", 90, minimum=1),
        # 0 = unlimited; otherwise a supervisor must reset a mentor who used them all.
        "MAX_KNOWLEDGE_CHECK_ATTEMPTS": _int(env, "LMS_MAX_KNOWLEDGE_CHECK_ATTEMPTS", 0),
        # Time between page views counts as study time only up to this many seconds.
        "STUDY_TIME_CAP_SECONDS": _int(env, "LMS_STUDY_TIME_CAP_SECONDS", 300, minimum=30),
        # A section counts as read only after this many seconds on it (0 = off).
        "MIN_SECTION_SECONDS": _int(env, "LMS_MIN_SECTION_SECONDS", 0),
        # After a failed check, re-read the sections it flagged before a retake (off by default).
        "REREAD_BEFORE_RETAKE": _choice(
            env, "LMS_REREAD_BEFORE_RETAKE", ("0", "1", "false", "true", "off", "on"), "0"
        )
        in ("1", "true", "on"),
        # Filled into curriculum placeholders when an edition is published (curricula/FORMAT.md).
        "CURRICULUM_PLACEHOLDERS": {
            "organisation_name": env.get("LMS_ORGANISATION_NAME", ""),
            "on_call_phone": env.get("LMS_ON_CALL_PHONE", ""),
            "emergency_protocol": env.get("LMS_EMERGENCY_PROTOCOL", ""),
            "supervisor_contact": env.get("LMS_SUPERVISOR_CONTACT", ""),
            "training_director": env.get("LMS_TRAINING_DIRECTOR", ""),
        },
        # Certificates: where the public verification page lives, and who signs.
        "PUBLIC_URL": env.get("LMS_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "TRAINING_DIRECTOR_NAME": env.get("LMS_TRAINING_DIRECTOR", "Training Director"),
        "TRAINING_DIRECTOR_TITLE": env.get("LMS_TRAINING_DIRECTOR_TITLE", "Director of Training"),
        # Public certificate checks: serials matching no certificate allowed from one address
        # within the window, then 429 until the window has passed (slows guessing serials).
        "CERTIFICATE_VERIFY_MAX_FAILURES": _int(
            env, "LMS_CERTIFICATE_VERIFY_MAX_FAILURES", 30, minimum=1
        ),
        "CERTIFICATE_VERIFY_WINDOW_MINUTES": _int(
            env, "LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES", 10, minimum=1
        ),
        # Alerts: days before a due date, weekly reminders after, licence and candidate checks.
        "ALERT_DUE_DAYS": _int_list(env, "LMS_ALERT_DUE_DAYS", (60, 30, 14, 7, 1, 0)),
        "ALERT_REPEAT_DAYS": _int(env, "LMS_ALERT_REPEAT_DAYS", 7, minimum=1),
        "ALERT_LICENCE_DAYS": _int_list(env, "LMS_ALERT_LICENCE_DAYS", (90, 60, 30)),
        "ALERT_PROVISIONAL_DAYS": _int(env, "LMS_ALERT_PROVISIONAL_DAYS", 14, minimum=1),
        "ALERT_MAX_ATTEMPTS": _int(env, "LMS_ALERT_MAX_ATTEMPTS", 8, minimum=1),
        # On-call coverage: when mentors serve youth (the default until an admin saves hours).
        "SERVICE_HOURS": _service_hours(env),
        # Outgoing mail for alerts.
        "SMTP_HOST": env.get("LMS_SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "LMS_SMTP_PORT", 25, minimum=1),
        "SMTP_SECURITY": _choice(env, "LMS_SMTP_SECURITY", ("none", "starttls", "tls"), "none"),
        "SMTP_USER": env.get("LMS_SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("LMS_SMTP_PASSWORD", ""),
        "SMTP_FROM": env.get("LMS_SMTP_FROM", "training@localhost"),
        "SMTP_TIMEOUT_SECONDS": _int(env, "LMS_SMTP_TIMEOUT_SECONDS", 20, minimum=1),
        # Supervision (issue 10): the weekly rule, and the lists its forms offer.
        "SUPERVISION_WEEK_STARTS": _choice(
            env, "LMS_SUPERVISION_WEEK_STARTS", ("sunday", "monday"), "sunday"
        ),
        "SUPERVISION_MIN_DUTY_WEEKDAYS": _bounded(
            env, "LMS_SUPERVISION_MIN_DUTY_WEEKDAYS", 3, 1, 5
        ),
        "SUPERVISION_MIN_MINUTES": _int(env, "LMS_SUPERVISION_MIN_MINUTES", 1, minimum=1),
        "SUPERVISION_LATE_ENTRY_DAYS": _int(env, "LMS_SUPERVISION_LATE_ENTRY_DAYS", 7, minimum=0),
        "SUPERVISION_TOPICS": _list(env, "LMS_SUPERVISION_TOPICS", SUPERVISION_TOPICS),
        # The day of the week the supervisors hear about supervisees whose week is still pending.
        "SUPERVISION_REMINDER_WEEKDAY": _choice(
            env, "LMS_SUPERVISION_REMINDER_WEEKDAY", WEEKDAYS, "thursday"
        ),
        "LICENCE_TYPES": _list(env, "LMS_LICENCE_TYPES", LICENCE_TYPES),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "TRUSTED_PROXIES": _int(env, "LMS_TRUSTED_PROXIES", 0),
    }
