"""A database outage (issue 13): signed-in users and API clients get a 503 with Retry-After
and a page (or JSON) that renders without the database, never the bare "Internal Server Error"."""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from lms.actor import Actor
from lms.api.operations import create_token
from lms.auth.models import Role
from tests.conftest import csrf_token


@pytest.fixture
def outage(app, tmp_path):
    """From now on every session talks to a database that cannot be opened."""

    def cut():
        # A file in a folder that does not exist: connecting fails with OperationalError.
        engine = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'lms.db'}")
        app.extensions["lms.db"].session_factory = sessionmaker(engine)
        app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    return cut


@pytest.mark.parametrize("path", ["/", "/hr", "/staff/", "/no-such-page"])
def test_a_signed_in_user_gets_a_503_page_during_an_outage(client, auth, users, outage, path):
    auth.login("hr@example.org")
    outage()
    response = client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "Nothing you sent was saved" in page
    assert "Content-Security-Policy" in response.headers


def test_signing_in_during_an_outage_is_a_503_page(client, users, outage):
    token = csrf_token(client)
    outage()
    data = {"email": "hr@example.org", "password": "x", "csrf_token": token}
    response = client.post("/login", data=data)
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_the_api_answers_503_json_during_an_outage(app, db, users, outage):
    _, secret = create_token(db, Actor.system("test"), "HR system", Role.HR)
    db.commit()
    outage()
    response = app.test_client().get("/api/v1/staff", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.is_json and "retry" in response.get_json()["error"]


def test_a_bug_in_a_query_is_still_a_bug_not_an_outage(app, client, users):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from lms.web import db_session

    @app.route("/bad-query")
    def bad_query():
        db_session().execute(text("SELECT no_such_column FROM no_such_table"))
        return "unreachable"

    bad_query.lms_access = "public"
    with pytest.raises(DBAPIError):  # raised on to Flask's 500 handling (tests propagate it)
        client.get("/bad-query")


def test_any_error_page_renders_for_a_signed_in_user_without_the_database(
    app, client, auth, users, outage
):
    @app.route("/broken")
    def broken():
        raise RuntimeError("not the database")

    broken.lms_access = "public"
    auth.login("hr@example.org")
    outage()
    response = client.get("/broken")
    assert response.status_code in (500, 503)  # the user's lookup may fail first: an outage
    assert "<html" in response.get_data(as_text=True)


def post_staff_losing_the_commit(app, db, monkeypatch, body, idempotency_key):
    """POST ``body`` to the staff API as an HR token, the database lost at every commit after
    the token is stored."""
    from sqlalchemy.exc import OperationalError

    _, secret = create_token(db, Actor.system("test"), "HR system", Role.HR)
    db.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    def lost(*args, **kwargs):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db, "commit", lost)
    return app.test_client().post(
        "/api/v1/staff",
        json=body,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": idempotency_key},
    )


def test_a_connection_lost_during_the_commit_is_a_503_that_does_not_say_nothing_was_saved(
    app, db, users, monkeypatch
):
    from tests.web.test_api import PERSON

    response = post_staff_losing_the_commit(app, db, monkeypatch, PERSON, "k-1")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "same Idempotency-Key" in response.get_json()["error"]


def test_a_refused_request_stays_refused_when_its_kept_record_meets_an_outage(
    app, db, users, monkeypatch
):
    # A refused API request still records that its token was used, after rolling its own work
    # back; the database going away at that moment (a restart under load) left a 500 "nothing
    # was saved" in place of the request's own answer.
    response = post_staff_losing_the_commit(app, db, monkeypatch, {"legal_name": ""}, "k-2")
    assert response.status_code == 422, response.get_data(as_text=True)
