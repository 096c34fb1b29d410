"""The development alerts timer starts only in a development server, once per serving process."""

import pytest

from lms.alerts.dev_timer import wanted


@pytest.mark.parametrize(
    ("env", "reloading", "in_child", "expected"),
    [
        ("development", False, False, True),  # `lms run`: one process, which serves
        ("development", True, False, False),  # the reloader's watching parent never serves
        ("development", True, True, True),  # the reloader's child serves
        ("production", False, False, False),
        ("production", True, True, False),
        ("testing", False, False, False),
    ],
)
def test_the_timer_runs_only_where_a_development_server_serves(env, reloading, in_child, expected):
    assert wanted(env, reloading, in_child) is expected
