"""The lms command: users, audit verification, the demo and migrations."""

from sqlalchemy import func, select

from lms import clock
from lms.auditlog.models import AuditEvent
from lms.auth.models import Role, User
from lms.demo import DEMO_ACCOUNTS
from lms.eligibility.rules import EligibilityStatus
from lms.eligibility.snapshot import evaluate_person
from lms.staff.queries import people_with_facts


def test_users_create_prompts_for_the_password(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@Example.org",
            "--name",
            "Bo Boss",
            "--role",
            "admin",
            "--role",
            "hr",
        ],
        input="quiet meadow orchard\nquiet meadow orchard\n",
    )
    assert result.exit_code == 0, result.output
    user = db.execute(select(User).where(User.email == "boss@example.org")).scalar_one()
    assert user.roles == {Role.ADMIN, Role.HR}
    assert "quiet meadow orchard" not in result.output


def test_users_create_refuses_a_weak_password_with_exit_2(runner, db):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org", "--name", "A", "--role", "hr"],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code == 2
    assert "password: That password is on a list of commonly used passwords" in result.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_users_create_refuses_an_unknown_role(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "a@example.org", "--name", "A", "--role", "owner"]
    )
    assert result.exit_code == 2


def test_audit_verify_reports_an_intact_log(runner, users, auth):
    auth.login("mentor@example.org")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "Audit log intact: 1 entries." in result.output


def test_demo_loads_one_account_per_role_then_refuses(app, runner, db):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5123"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Sign in at http://127.0.0.1:5123 with:" in result.output
    for account in DEMO_ACCOUNTS:
        assert account.email in result.output
    roles = set()
    for user in db.execute(select(User)).scalars():
        roles |= user.roles
    assert roles == set(Role)
    events = db.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert events > len(DEMO_ACCOUNTS)  # staff records and verifications are audited too
    today = clock.today()
    results = [evaluate_person(person, today) for person in people_with_facts(db)]
    states = {result.status for result in results if result is not None}  # None: not a mentor
    assert states == set(EligibilityStatus)  # mentors in every state, to show them all

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 2
    assert "already holds people" in again.output
    keep = runner.invoke(args=["demo", "--if-empty"])
    assert keep.exit_code == 0
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == len(DEMO_ACCOUNTS)


def test_demo_refuses_production(app, runner, db):
    app.config["LMS_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 2
    assert "production" in result.output
    assert db.execute(select(func.count()).select_from(User)).scalar_one() == 0
