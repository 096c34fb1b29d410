"""Configuration from LMS_* variables, and the production safety stops."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lms.config import ConfigError, load_config


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    env = {"LMS_INSTANCE_PATH": str(tmp_path)}
    first = load_config(env)["SECRET_KEY"]
    assert len(first) >= 48
    assert load_config(env)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_development_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = load_config({"LMS_INSTANCE_PATH": str(tmp_path)})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    assert config["SESSION_COOKIE_NAME"] == "lms_session"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_production_without_secret_key_stops(tmp_path):
    env = {"LMS_ENV": "production", "LMS_DATABASE_URL": "postgresql+psycopg://db/lms"}
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        load_config(env)


def test_production_on_sqlite_stops():
    env = {"LMS_ENV": "production", "LMS_SECRET_KEY": "x" * 64}
    with pytest.raises(ConfigError, match="SQLite"):
        load_config(env)


def test_production_hardens_cookies():
    env = {
        "LMS_ENV": "production",
        "LMS_SECRET_KEY": "x" * 64,
        "LMS_DATABASE_URL": "postgresql+psycopg://db/lms",
    }
    config = load_config(env)
    assert config["SESSION_COOKIE_NAME"] == "__Host-lms_session"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_PATH"] == "/"


def test_unknown_environment_stops():
    with pytest.raises(ConfigError, match="LMS_ENV"):
        load_config({"LMS_ENV": "staging"})


def test_numbers_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="LMS_SESSION_IDLE_MINUTES"):
        load_config({"LMS_INSTANCE_PATH": str(tmp_path), "LMS_SESSION_IDLE_MINUTES": "half"})


def test_certificate_check_limit_defaults_to_30_in_10_minutes(tmp_path):
    config = load_config({"LMS_INSTANCE_PATH": str(tmp_path)})
    assert config["CERTIFICATE_VERIFY_MAX_FAILURES"] == 30
    assert config["CERTIFICATE_VERIFY_WINDOW_MINUTES"] == 10


def test_certificate_check_limit_is_configurable(tmp_path):
    config = load_config(
        {
            "LMS_INSTANCE_PATH": str(tmp_path),
            "LMS_CERTIFICATE_VERIFY_MAX_FAILURES": "5",
            "LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES": "60",
        }
    )
    assert config["CERTIFICATE_VERIFY_MAX_FAILURES"] == 5
    assert config["CERTIFICATE_VERIFY_WINDOW_MINUTES"] == 60


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LMS_CERTIFICATE_VERIFY_MAX_FAILURES", "0"),
        ("LMS_CERTIFICATE_VERIFY_MAX_FAILURES", "thirty"),
        ("LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES", "0"),
        ("LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES", "-10"),
        ("LMS_CERTIFICATE_VERIFY_WINDOW_MINUTES", "1.5"),
    ],
)
def test_a_bad_certificate_check_limit_stops_the_app(tmp_path, variable, value):
    with pytest.raises(ConfigError, match=variable):
        load_config({"LMS_INSTANCE_PATH": str(tmp_path), variable: value})


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ([], {}, "http://127.0.0.1:5000"),
        (["PORT=5123"], {}, "http://127.0.0.1:5123"),
        (["HOST=0.0.0.0", "PORT=8080"], {}, "http://127.0.0.1:8080"),
        (["PORT=5123"], {"LMS_PUBLIC_URL": "https://lms.example.org"}, "https://lms.example.org"),
    ],
)
def test_make_run_gives_the_app_the_address_it_serves_on(arguments, environment, expected):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in {"LMS_PUBLIC_URL", "HOST", "PORT"}}
    output = subprocess.run(
        ["make", "-s", "public-url", *arguments],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert output.strip() == expected


def test_supervision_settings_default_to_the_issue(tmp_path):
    config = load_config({"LMS_INSTANCE_PATH": str(tmp_path)})
    assert config["SUPERVISION_WEEK_STARTS"] == "sunday"
    assert config["SUPERVISION_MIN_DUTY_WEEKDAYS"] == 3
    assert config["SUPERVISION_MIN_MINUTES"] == 1
    assert config["SUPERVISION_LATE_ENTRY_DAYS"] == 7
    assert config["SUPERVISION_REMINDER_WEEKDAY"] == "thursday"
    assert "LICSW" in config["LICENCE_TYPES"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LMS_SUPERVISION_WEEK_STARTS", "friday"),
        ("LMS_SUPERVISION_MIN_DUTY_WEEKDAYS", "6"),
        ("LMS_SUPERVISION_MIN_DUTY_WEEKDAYS", "0"),
        ("LMS_SUPERVISION_MIN_MINUTES", "0"),
        ("LMS_SUPERVISION_LATE_ENTRY_DAYS", "a week"),
        ("LMS_LICENCE_TYPES", " , "),
        ("LMS_SUPERVISION_REMINDER_WEEKDAY", "thurs"),
        ("LMS_SUPERVISION_REMINDER_WEEKDAY", "4"),
    ],
)
def test_supervision_settings_are_checked(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"LMS_INSTANCE_PATH": str(tmp_path), name: value})


def test_monday_weeks(tmp_path):
    config = load_config(
        {"LMS_INSTANCE_PATH": str(tmp_path), "LMS_SUPERVISION_WEEK_STARTS": "Monday"}
    )
    assert config["SUPERVISION_WEEK_STARTS"] == "monday"


def test_the_reminder_weekday_is_any_day_in_any_case(tmp_path):
    config = load_config(
        {"LMS_INSTANCE_PATH": str(tmp_path), "LMS_SUPERVISION_REMINDER_WEEKDAY": " Monday "}
    )
    assert config["SUPERVISION_REMINDER_WEEKDAY"] == "monday"
