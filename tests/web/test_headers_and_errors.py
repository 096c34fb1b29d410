"""Security headers on every kind of response, and generic error pages."""

import pytest

from tests.conftest import csrf_token

CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/admin/users"])
def test_headers_on_pages_errors_and_redirects(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_static_files_may_be_cached_but_still_carry_headers(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_production_adds_hsts_and_secure_host_cookie(app, users):
    app.config["LMS_ENV"] = "production"
    app.config["SESSION_COOKIE_NAME"] = "__Host-lms_session"
    app.config["SESSION_COOKIE_SECURE"] = True
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "email": "mentor@example.org",
            "password": "correct-horse-battery-staple",
            "csrf_token": token,
        },
        base_url="https://localhost",
    )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("__Host-lms_session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain=" not in cookie


def test_not_found_page_is_generic(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_page_reveals_nothing(app):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    boom.lms_access = "public"
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "secret internal detail" not in body
    assert response.headers["Content-Security-Policy"] == CSP


def test_a_views_own_error_message_is_shown(app):
    from flask import abort

    @app.route("/explained")
    def explained():
        abort(400, "Open the module before taking its knowledge check.")

    explained.lms_access = "public"
    response = app.test_client().get("/explained")
    assert response.status_code == 400
    assert "Open the module before taking its knowledge check." in response.get_data(as_text=True)
