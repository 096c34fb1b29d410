"""The compliance dashboard's pages: the list worst first, filters, the as-of date, bad input,
the CSV export of exactly what is shown, supervisors' scoping, and the cost in queries."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import pytest

from lms import clock
from lms.compliance.rules import STATUS_ORDER
from lms.staff.models import Person, Position, StaffStatus
from lms.training.models import CycleKind, TrainingCycle
from lms.training.rules import add_one_year
from tests.support.factories import insert_person

TODAY = dt.date(2026, 11, 23)  # the frozen clock's day
D = dt.date
HEADER = [
    "Mentor",
    "Status",
    "Due or expiry date",
    "Days left",
    "Supervisor",
    "Position",
    "Supervision weeks missed (last 4)",
    "Supervision weeks missed (last 13)",
]


add_person = insert_person


def add_completion(db, person, day: dt.date) -> None:
    db.add(
        TrainingCycle(
            person_id=person.id,
            kind=CycleKind.INITIAL,
            assigned_on=day,
            due_on=day,
            completed_on=day,
            expires_on=add_one_year(day),
            imported=True,
            created_at=clock.now(),
        )
    )


@pytest.fixture
def team(db, users, frozen_clock):
    """As of 2026-11-23 (initial training due in 30 days, renewal window 90 days):

    Lee   completed 2024-01-15, expired 2025-01-15: lapsed.                      Sue
    Otto  hired 2026-09-01, due 2026-10-01, nothing done: overdue.               Sam
    Dana  completed 2025-12-20, expires 2026-12-20, window open: due soon.       Sue
    Ned   hired 2026-11-20: not started.                                         no supervisor
    Cora  completed 2026-03-10, expires 2027-03-10: compliant.                   Sam
    Gil   hired 2025-01-01, completed 2025-01-10, left on 2026-06-30.            Sue
    Sue is the supervisor account's staff record; Sam has no account.
    """
    sue = add_person(
        db,
        "Sue Visor",
        Position.LICENSED_CLINICIAN,
        hire_on=D(2015, 1, 1),
        user_id=users["supervisor"].id,
    )
    sam = add_person(db, "Sam Visor", Position.LICENSED_CLINICIAN, hire_on=D(2015, 1, 1))
    people = {"sue": sue, "sam": sam}
    for name, hired, completed, boss, separated in (
        ("Lee", D(2024, 1, 1), D(2024, 1, 15), sue, None),
        ("Otto", D(2026, 9, 1), None, sam, None),
        ("Dana", D(2025, 1, 1), D(2025, 12, 20), sue, None),
        ("Ned", D(2026, 11, 20), None, None, None),
        ("Cora", D(2026, 3, 1), D(2026, 3, 10), sam, None),
        ("Gil", D(2025, 1, 1), D(2025, 1, 10), sue, D(2026, 6, 30)),
    ):
        person = add_person(
            db,
            name,
            hire_on=hired,
            supervisor_id=boss.id if boss else None,
            status=StaffStatus.SEPARATED if separated else StaffStatus.ACTIVE,
            separated_on=separated,
        )
        if completed:
            add_completion(db, person, completed)
        people[name] = person
    db.commit()
    return people


@pytest.fixture
def hr_client(client, auth, team):
    auth.login("hr@example.org")
    return client


class ListTable(HTMLParser):
    """The text of each cell of the dashboard's list, row by row (header first)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._inside = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "compliance-list" in (dict(attrs).get("class") or "").split():
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._inside = False
        elif self._inside and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def shown(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return ListTable(response.get_data(as_text=True)).rows


def names(response) -> list[str]:
    return [row[0] for row in shown(response)[1:] if len(row) > 1]  # not "No mentors match"


def exported(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_hr_sees_everyone_worst_first_with_days_left(hr_client):
    rows = shown(hr_client.get("/compliance/"))
    # Nobody has had supervision. The 13 weeks over on Monday 2026-11-23 run from Sunday
    # 2026-08-23 to Saturday 2026-11-21. Otto, hired Tuesday 2026-09-01, was on duty four
    # weekdays of the week of 2026-08-30 (required, missed) and not employed in the week before
    # (not reported): 12. Ned, hired Friday 2026-11-20, one weekday: not required.
    assert rows == [
        HEADER,
        ["Lee", "Lapsed", "2025-01-15", "-677", "Sue Visor", "Therapeutic mentor", "4", "13"],
        ["Otto", "Overdue", "2026-10-01", "-53", "Sam Visor", "Therapeutic mentor", "4", "12"],
        ["Dana", "Due soon", "2026-12-20", "27", "Sue Visor", "Therapeutic mentor", "4", "13"],
        ["Ned", "Not started", "2026-12-20", "27", "No supervisor", "Therapeutic mentor", "0", "0"],
        ["Cora", "Compliant", "2027-03-10", "107", "Sam Visor", "Therapeutic mentor", "4", "13"],
    ]


def test_counts_by_status(hr_client):
    page = hr_client.get("/compliance/?status=lapsed").get_data(as_text=True)
    counts = {
        label: number
        for number, label in (
            ("5", "All"),
            ("1", "Lapsed"),
            ("1", "Overdue"),
            ("1", "Due soon"),
            ("0", "In progress"),
            ("1", "Not started"),
            ("1", "Compliant"),
        )
    }
    for label, number in counts.items():
        assert f'<span class="status-counts__number">{number}</span> {label}' in page, label
    assert page.count('aria-current="true"') == 1  # the lapsed count, the filter in force


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=overdue", ["Otto"]),
        ("status=in_progress", []),
        ("supervisor={sam}", ["Otto", "Cora"]),
        ("supervisor=none", ["Ned"]),
        ("position=therapeutic_mentor", ["Lee", "Otto", "Dana", "Ned", "Cora"]),
        ("status=compliant&supervisor={sam}&as_of=2026-11-23", ["Cora"]),
        # On 2026-06-01 Gil was still employed and Otto not yet hired; Dana was compliant.
        ("as_of=2026-06-01", ["Lee", "Gil", "Dana", "Cora"]),
    ],
)
def test_filters(hr_client, team, query, expected):
    url = "/compliance/?" + query.format(sam=team["sam"].id)
    assert names(hr_client.get(url)) == expected


def test_a_past_date_shows_that_day(hr_client):
    rows = shown(hr_client.get("/compliance/?as_of=2026-06-01"))
    # Dana's expiry 2026-12-20 was 202 days away, her window not yet open; Otto and Ned were
    # not yet hired.
    dana = ["Dana", "Compliant", "2026-12-20", "202", "Sue Visor", "Therapeutic mentor", "4", "13"]
    assert dana in rows
    # Gil left on 2026-06-30, so he is listed: lapsed since 2026-01-10.
    gil = ["Gil", "Lapsed", "2026-01-10", "-142", "Sue Visor", "Therapeutic mentor", "4", "13"]
    assert gil in rows
    assert [r[:2] for r in rows[1:]] == [
        ["Lee", "Lapsed"],
        ["Gil", "Lapsed"],
        ["Dana", "Compliant"],
        ["Cora", "Compliant"],
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("as_of=2027-11-24", "The as-of date must be no later than 2027-11-23"),
        ("as_of=24%2F11%2F2026", "is not a date: write it as YYYY-MM-DD"),
        ("as_of=2026-02-30", "is not a date"),
        ("status=fine", "Status “fine” is not one of the choices offered."),
        ("supervisor=abc", "Supervisor “abc” is not one of the choices offered."),
        ("supervisor={lee}", "Supervisor “{lee}” is not one of the choices offered."),
        ("position=licensed_clinician", "Position “licensed_clinician” is not one of the choices"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(hr_client, team, query, message):
    values = {"lee": team["Lee"].id}
    response = hr_client.get("/compliance/?" + query.format(**values))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message.format(**values) in page
    assert "There is a problem" in page and 'aria-invalid="true"' in page
    export = hr_client.get("/compliance/export.csv?" + query.format(**values))
    assert export.status_code == 400
    assert message.format(**values) in export.get_data(as_text=True)


def test_up_to_a_year_ahead_is_answered(hr_client):
    rows = shown(hr_client.get("/compliance/?as_of=2027-11-23"))
    # By then Dana's and Cora's certificates have lapsed too, and Ned is overdue.
    assert [r[:2] for r in rows[1:]] == [
        ["Lee", "Lapsed"],
        ["Dana", "Lapsed"],
        ["Cora", "Lapsed"],
        ["Otto", "Overdue"],
        ["Ned", "Overdue"],
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "as_of=2026-06-01",
        "status=due_soon",
        "supervisor=none",
        "supervisor={sue}&as_of=2026-01-31",
    ],
)
def test_the_export_is_exactly_what_is_shown(hr_client, team, query):
    query = query.format(sue=team["sue"].id)
    page = shown(hr_client.get(f"/compliance/?{query}"))
    response = hr_client.get(f"/compliance/export.csv?{query}")
    assert exported(response) == page
    as_of = dict(p.split("=") for p in query.split("&") if p).get("as_of", "2026-11-23")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="compliance-{as_of}.csv"'
    )


def test_the_page_links_to_the_export_of_the_same_list(hr_client, team):
    page = hr_client.get(f"/compliance/?status=compliant&supervisor={team['sam'].id}")
    html = page.get_data(as_text=True)
    link = "/compliance/export.csv?as_of=2026-11-23&amp;status=compliant&amp;supervisor="
    link += str(team["sam"].id)
    assert link in html


def test_the_export_makes_formulas_inert(hr_client, db, team):
    db.get(Person, team["Ned"].id).legal_name = "=HYPERLINK(1)"
    db.commit()
    rows = exported(hr_client.get("/compliance/export.csv?status=not_started"))
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][3] == "27"


def test_the_chart_and_its_table(hr_client):
    page = hr_client.get("/compliance/").get_data(as_text=True)
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert "Mentors current (%)" in page and ">100%</text>" in page and ">0%</text>" in page
    assert "60% current on 2026-11-23 (3 of 5)" in page  # Lee lapsed, Otto overdue
    assert page.count('<circle class="share-marker"') == 13  # a week of Nov 2025 to Nov 2026
    assert "Share of mentors current on their training, by month" in page
    # On 2026-06-30 (Gil's last day): Lee lapsed; Gil, lapsed since 2026-01-10; Dana, Cora
    # current -> 2 of 4.
    assert "<td>50% (2 of 4)</td>" in page


def test_supervisors_see_only_their_team(client, auth, team):
    auth.login("supervisor@example.org")
    response = client.get("/compliance/")
    page = response.get_data(as_text=True)
    assert "My team\N{RIGHT SINGLE QUOTATION MARK}s compliance" in page
    assert names(response) == ["Lee", "Dana"]
    assert 'id="supervisor"' not in page  # nothing to choose between
    assert names(client.get(f"/compliance/?supervisor={team['sue'].id}")) == ["Lee", "Dana"]
    assert client.get(f"/compliance/?supervisor={team['sam'].id}").status_code == 400
    assert client.get("/compliance/?supervisor=none").status_code == 400
    assert [row[0] for row in exported(client.get("/compliance/export.csv"))] == [
        "Mentor",
        "Lee",
        "Dana",
    ]
    assert client.get(f"/compliance/export.csv?supervisor={team['sam'].id}").status_code == 400


def test_a_supervisor_without_a_staff_record(client, auth, make_user, team):
    from lms.auth.models import Role

    make_user("lone@example.org", Role.SUPERVISOR)
    auth.login("lone@example.org")
    page = client.get("/compliance/")
    assert page.status_code == 200
    assert "not linked to a staff record" in page.get_data(as_text=True)
    assert client.get("/compliance/export.csv").status_code == 403


def test_hr_who_also_supervises_sees_everyone(client, auth, db, make_user, team):
    from lms.auth.models import Role

    both = make_user("both@example.org", Role.HR, Role.SUPERVISOR)
    db.get(Person, team["sam"].id).user_id = both.id
    db.commit()
    auth.login("both@example.org")
    assert len(names(client.get("/compliance/"))) == 5


@pytest.mark.parametrize("role", ["mentor", "auditor"])
def test_other_roles_are_refused(client, auth, team, role):
    auth.login(f"{role}@example.org")
    assert client.get("/compliance/").status_code == 403
    assert client.get("/compliance/export.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    response = client.get("/compliance/?as_of=2026-01-01")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_navigation_and_hr_home_link_to_the_dashboard(hr_client):
    home = hr_client.get("/hr").get_data(as_text=True)
    assert '<a href="/compliance/">Compliance dashboard</a>' in home
    assert '<a href="/compliance/">Compliance</a>' in home
    page = hr_client.get("/compliance/").get_data(as_text=True)
    assert '<a href="/compliance/" aria-current="page">Compliance</a>' in page


def test_the_list_costs_the_same_for_five_or_three_hundred_mentors(
    hr_client, db, team, count_queries
):
    with count_queries() as few:
        assert len(names(hr_client.get("/compliance/"))) == 5
    with count_queries() as few_export:
        hr_client.get("/compliance/export.csv")
    boss = team["sam"]
    for number in range(300):
        person = add_person(
            db,
            f"Many {number:03}",
            hire_on=D(2024, 1, 1) + dt.timedelta(days=number),
            supervisor_id=boss.id if number % 2 else None,
            status=StaffStatus.SEPARATED if number % 7 == 0 else StaffStatus.ACTIVE,
            separated_on=D(2026, 5, 1) + dt.timedelta(days=number) if number % 7 == 0 else None,
        )
        for day in (
            person.hire_on + dt.timedelta(days=10),
            person.hire_on + dt.timedelta(days=380),
        ):
            if day <= TODAY:
                add_completion(db, person, day)
    db.commit()
    with count_queries() as many:
        listed = names(hr_client.get("/compliance/"))
    with count_queries() as many_export:
        export = hr_client.get("/compliance/export.csv").get_data(as_text=True)
    assert len(listed) == 50  # one page; the download has every row
    assert len(export.splitlines()) > 250
    # The user and session checks, the supervisors, then from the stored status periods the
    # counts, one page and the chart's two grouped counts; the layout also reads the
    # organisation settings; the supervision columns of the page's mentors, six more (their
    # weeks by the supervision report's loader). The page's rows are read one status at a time,
    # one query per status the page reaches (at most one per status: the five mentors here
    # reach several, the first fifty of three hundred fewer). The CSV: the checks, the
    # supervisors, the rows streamed, and six for each batch of 500 rows (one batch here).
    few_rows, many_rows = (
        [s for s in counter.statements if "ORDER BY training_status_periods.due_on" in s]
        for counter in (few, many)
    )
    assert 1 <= len(many_rows) <= len(few_rows) <= len(STATUS_ORDER)
    assert many.count - len(many_rows) == few.count - len(few_rows) <= 14, many.statements
    assert many_export.count == few_export.count <= 10, many_export.statements
