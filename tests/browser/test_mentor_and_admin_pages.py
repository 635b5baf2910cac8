"""Mentor, mentee and tenant-admin pages in Chromium: Karim downloads a statement of his
volunteer hours for his employer, Sofia answers her 3-month follow-up survey on her phone, and
a tenant admin gives a member the programme admin's role.

The server runs on the real clock; what happened months ago (a relationship started, a session
held) is written from the test's process with its clock borrowed and set back."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

from playwright.sync_api import Page, expect

from services.accounts.application import Accounts, Caller
from services.accounts.domain import Role
from services.actor import Actor
from services.impact.application import Impact
from services.impact.domain import SurveyKind
from services.meetings.application import Meetings
from services.meetings.places import Locator
from services.mentoring.application import Mentoring
from services.profiles.application import Profiles
from services.profiles.domain import EntrepreneurDetails, MentorDetails, WorkingHours
from tests.browser.conftest import BrandedTenant, People, RunningSite, branded_tenant, sign_in
from tests.projections.matching.people import INTRODUCTION
from tests.tenant_api import PASSWORD

OPERATOR = Actor(kind="cli", id="browser-test")
WEEKDAYS = [0, 1, 2, 3, 4]


def _caller(member_id: UUID, role: Role) -> Caller:
    return Caller(member_id=member_id, roles=frozenset({role}), session_id=member_id,
                  locale="en")


def _fits_a_phone(person: Page) -> bool:
    return bool(person.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


class Pair:
    """Sofia (an entrepreneur in Madrid) mentored by Karim since `started`."""

    def __init__(self, site: RunningSite, tenant: BrandedTenant, started: datetime) -> None:
        self.site, self.tenant = site, tenant
        ithaca = site.ithaca
        record = ithaca.tenant(tenant.slug)
        accounts = ithaca.tenant_application(record, Accounts)
        self.profiles = ithaca.tenant_application(record, Profiles)
        self.mentoring = ithaca.tenant_application(record, Mentoring)
        self.meetings = ithaca.tenant_application(record, Meetings)
        self.locator = Locator(self.profiles, record.time_zone)
        sofia, _ = accounts.create_member(email="sofia@example.org", name="Sofia Marín",
                                          password=PASSWORD, roles=[Role.ENTREPRENEUR],
                                          locale="en", actor=OPERATOR)
        karim, _ = accounts.create_member(email="karim@example.org", name="Karim Alaoui",
                                          password=PASSWORD, roles=[Role.MENTOR],
                                          locale="en", actor=OPERATOR)
        self.sofia = _caller(sofia.id, Role.ENTREPRENEUR)
        self.karim = _caller(karim.id, Role.MENTOR)
        hours = WorkingHours(start=time(8), end=time(20), weekdays=WEEKDAYS)
        self.profiles.save_entrepreneur_profile(sofia.id, EntrepreneurDetails(
            business_name="Cerámica Marín", description="Handmade pottery.", stage="early",
            industry="C", country="ES", languages=["es", "en"], time_zone="Europe/Madrid",
            working_hours=hours, challenges="Export pricing.", goals="A first shop abroad.",
            employees=3), OPERATOR)
        self.profiles.save_mentor_profile(karim.id, MentorDetails(
            headline="Export for makers", bio="Twenty years exporting crafts.",
            expertise=["finance"], industries=["C"], languages=["en"], country="ES",
            countries_of_experience=["ES"], time_zone="Europe/Madrid", working_hours=hours,
            capacity=3, monthly_hours=8), OPERATOR)
        with ithaca.clock.borrowed() as clock:  # type: ignore[attr-defined]
            clock.set(started)
            asked = self.mentoring.request_mentor(sofia.id, karim.id, INTRODUCTION, OPERATOR)
            self.relationship_id = asked.relationship.id
            self.mentoring.accept(self.relationship_id, self.karim, self.karim.actor())
            self.mentoring.start(self.relationship_id, self.karim, self.karim.actor())

    def held(self, day: datetime, minutes: int) -> None:
        """A meeting at 10:00 in Madrid on `day`, held, logged by Sofia, confirmed by Karim."""
        relationship = self.mentoring.get_relationship(self.relationship_id, self.karim)
        with self.site.ithaca.clock.borrowed() as clock:  # type: ignore[attr-defined]
            clock.set(day - timedelta(days=2))
            meeting, _ = self.meetings.propose(
                relationship, self.karim, self.locator, starts_at=f"{day:%Y-%m-%d}T10:00",
                time_zone=None, fold=None, duration_minutes=60, agenda="Prices",
                video_link="", actor=self.karim.actor())
            self.meetings.accept(meeting.id, self.sofia, self.sofia.actor())
            clock.set(day + timedelta(hours=12))
            self.meetings.log_session(meeting.id, self.sofia, duration_minutes=minutes,
                                      summary="Prices.", agreements="", next_steps="",
                                      actor=self.sofia.actor())
            self.meetings.confirm_session(meeting.id, self.karim, self.karim.actor())


def test_a_mentor_downloads_a_statement_of_his_volunteer_hours(
    site: RunningSite, people: People,
) -> None:
    tenant = branded_tenant(site)
    now = datetime.now(UTC)
    pair = Pair(site, tenant, now - timedelta(days=70))
    pair.held(now - timedelta(days=60), 90)
    pair.held(now - timedelta(days=30), 45)

    karim = people.person(mobile=True)
    sign_in(karim, site, tenant.slug, "karim@example.org", PASSWORD)
    karim.goto(site.url(tenant.slug, "/hours"))
    expect(karim.locator("h1")).to_have_text("My volunteer hours")
    expect(karim.locator("main")).to_contain_text("2.25 (2 sessions)")
    expect(karim.get_by_role("link", name="Sofia Marín")).to_be_visible()
    assert _fits_a_phone(karim), "the hours page runs off a phone's screen"
    people.screenshot(karim, "hours-phone")

    with karim.expect_download() as download:
        karim.get_by_role("button", name="Download the statement").click()
    assert download.value.suggested_filename.startswith("volunteer-hours-")
    statement = download.value.path().read_text()
    assert "Statement of volunteer hours" in statement
    assert tenant.branding.product_name in statement
    assert "Karim Alaoui" in statement
    assert "2.25 (2 sessions)" in statement
    assert "Sofia" not in statement

    karim.get_by_role("button", name="Show the statement").click()
    expect(karim.locator("h1")).to_have_text("Statement of volunteer hours")
    people.screenshot(karim, "statement")


def test_a_mentee_answers_her_three_month_follow_up_on_her_phone(
    site: RunningSite, people: People,
) -> None:
    tenant = branded_tenant(site)
    pair = Pair(site, tenant, datetime.now(UTC) - timedelta(days=100))
    sofia = people.person(mobile=True)
    sign_in(sofia, site, tenant.slug, "sofia@example.org", PASSWORD)
    sofia.goto(site.url(tenant.slug, "/surveys"))
    row = sofia.locator("main tbody tr").first
    expect(row).to_contain_text("3-month follow-up")
    expect(row).to_contain_text("Karim Alaoui")
    assert _fits_a_phone(sofia), "the surveys page runs off a phone's screen"
    row.get_by_role("link", name="Due now: answer it").click()

    expect(sofia.locator("h1")).to_have_text("Your 3-month follow-up survey")
    sofia.get_by_role("radio", name="Yes").first.check()
    sofia.get_by_label("Or a range (in US dollars)").select_option(index=2)
    sofia.get_by_label("Full-time employees").fill("4")
    sofia.get_by_label("Part-time employees").fill("1")
    sofia.locator("fieldset", has_text="new finance").get_by_role("radio", name="No").check()
    sofia.get_by_label("Anything else you would like to tell us? (optional)").fill(
        "Two shops in Lisbon now.")
    people.screenshot(sofia, "follow-up-phone")
    sofia.get_by_role("button", name="Send my answers").click()
    expect(sofia.locator("main")).to_contain_text("You answered this survey on")

    impact = site.ithaca.tenant_application(site.ithaca.tenant(tenant.slug), Impact)
    [answered] = impact.history(pair.sofia.member_id)
    assert (answered.kind, answered.months_after, answered.relationship_id) == (
        SurveyKind.FOLLOW_UP, 3, pair.relationship_id)
    assert answered.answers.full_time_employees == 4
    sofia.goto(site.url(tenant.slug, "/surveys"))
    expect(sofia.locator("main tbody tr").first).to_contain_text("Answered on")


def test_a_tenant_admin_assigns_a_role(site: RunningSite, people: People) -> None:
    tenant = branded_tenant(site)
    accounts = site.ithaca.tenant_application(site.ithaca.tenant(tenant.slug), Accounts)
    accounts.create_member(email="tess@example.org", name="Tess Admin", password=PASSWORD,
                           roles=[Role.TENANT_ADMIN], locale="en", actor=OPERATOR)
    mia, _ = accounts.create_member(email="mia@example.org", name="Mia Chen",
                                    password=PASSWORD, roles=[Role.MENTOR], locale="en",
                                    actor=OPERATOR)
    tess = people.person()
    sign_in(tess, site, tenant.slug, "tess@example.org", PASSWORD)
    tess.goto(site.url(tenant.slug, "/settings"))
    tess.get_by_role("link", name="Members and roles").click()
    row = tess.locator("main tbody tr", has_text="Mia Chen")
    for _ in range(60):  # the member list is a read model the server brings up to date
        if row.count():
            break
        tess.wait_for_timeout(500)
        tess.reload()
    expect(row).to_contain_text("Mentor")
    row.get_by_role("link", name="Change roles").click()

    expect(tess.locator("h1")).to_have_text("Roles of Mia Chen")
    tess.get_by_label("Programme admin").check()
    tess.get_by_label("Reason").fill("Runs the spring cohort")
    tess.keyboard.press("Enter")
    expect(tess.locator("main")).to_contain_text("The roles have been saved.")
    row = tess.locator("main tbody tr", has_text="Mia Chen")
    expect(row).to_contain_text("Programme admin")
    assert "programme_admin" not in tess.locator("main").inner_text()
    people.screenshot(tess, "roles")
    assert set(accounts.get_member(mia.id).roles) == {Role.MENTOR, Role.PROGRAMME_ADMIN}
