"""Impact surveys over the JSON API: the baseline, follow-ups on the tenant's schedule (mentored
and not), validation, history, and figures that outlive erasure."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.clock import SettableClock
from services.actor import Actor
from services.programme.application import Programme
from services.programme.domain import ProgrammeSettings
from tests.moderation.scenes import activate, impact, mentor, request
from tests.story_time import sessions_outlast_the_story
from tests.tenant_api import SignedInMember, TenantApi


@pytest.fixture
def clock(ithaca_clock: SettableClock, monkeypatch: pytest.MonkeyPatch) -> SettableClock:
    """The story's clock: surveys fall due months apart, so its members stay signed in."""
    ithaca_clock.set(datetime(2026, 1, 10, 12, tzinfo=UTC))
    sessions_outlast_the_story(monkeypatch)
    return ithaca_clock


def answers(**change: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "businessOperating": True, "revenueAmount": "18500.50", "revenueCurrency": "EUR",
        "fullTimeEmployees": 2, "partTimeEmployees": 1,
        "confidence": {"marketing": 3, "finance": 2}, "newFinance": False,
    }
    body.update(change)
    return {key: value for key, value in body.items() if value is not None}


def baseline(**change: Any) -> dict[str, Any]:
    return {"kind": "baseline", **answers(**change)}


def follow_up(months: int, relationship_id: uuid.UUID | None = None, **change: Any) -> dict[
    str, Any
]:
    body = {"kind": "follow_up", "monthsAfter": months, **answers(**change)}
    if relationship_id is not None:
        body["relationshipId"] = str(relationship_id)
    return body


def due(acme: TenantApi, member: SignedInMember) -> list[tuple[str, int | None, str | None]]:
    response = acme.get("/api/v1/me/surveys/due", member)
    assert response.status_code == 200, response.text
    return [(s["kind"], s["monthsAfter"], s["relationshipId"]) for s in response.json()["surveys"]]


def test_an_entrepreneur_never_mentored_is_surveyed_months_after_their_baseline(
    acme: TenantApi, clock: SettableClock,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    # At onboarding only the baseline is due.
    assert due(acme, ana) == [("baseline", None, None)]
    answered = acme.post("/api/v1/surveys", ana, json=baseline(
        revenueAmount=None, revenueCurrency=None, revenueBand="1k-10k",
        comment="Just opened the stall.",
    ))
    assert answered.status_code == 201, answered.text
    assert answered.json()["response"]["revenueBand"] == "1k-10k"
    assert answered.json()["position"] == acme.accounts().position
    assert due(acme, ana) == []

    # A day before three months have passed, the first follow-up is not due yet.
    clock.now = datetime(2026, 4, 9, 12, tzinfo=UTC)
    assert due(acme, ana) == []
    before = acme.accounts().position
    early = acme.post("/api/v1/surveys", ana, json=follow_up(3))
    assert early.status_code == 409
    assert early.json()["error"]["field"] == "monthsAfter"
    assert "2026-04-10" in early.json()["error"]["problem"]
    assert acme.accounts().position == before

    clock.now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    response = acme.get("/api/v1/me/surveys/due", ana).json()["surveys"]
    assert response == [{
        "kind": "follow_up", "monthsAfter": 3, "relationshipId": None,
        "dueAt": "2026-04-10T12:00:00Z",
    }]
    assert acme.post("/api/v1/surveys", ana, json=follow_up(3, fullTimeEmployees=3)
                     ).status_code == 201
    assert due(acme, ana) == []
    before = acme.accounts().position
    twice = acme.post("/api/v1/surveys", ana, json=follow_up(3))
    assert twice.status_code == 409
    assert twice.json()["error"]["field"] == "monthsAfter"
    assert "already answered" in twice.json()["error"]["problem"]
    assert acme.accounts().position == before

    # Months later both remaining follow-ups would be due; the 3-month one is answered.
    clock.now = datetime(2026, 8, 1, tzinfo=UTC)
    assert due(acme, ana) == [("follow_up", 6, None)]
    acme.post("/api/v1/surveys", ana, json=follow_up(6, businessOperating=False))

    history = acme.get("/api/v1/me/surveys", ana)
    assert history.status_code == 200
    responses = history.json()["responses"]
    assert [(r["kind"], r["monthsAfter"]) for r in responses] == [
        ("baseline", None), ("follow_up", 3), ("follow_up", 6),
    ]
    assert [r["answeredAt"] for r in responses] == [
        "2026-01-10T12:00:00Z", "2026-04-10T12:00:00Z", "2026-08-01T00:00:00Z",
    ]
    assert responses[0]["comment"] == "Just opened the stall."
    assert responses[1]["comment"] is None
    assert responses[1]["revenueAmount"] == "18500.50"
    assert responses[1]["revenueCurrency"] == "EUR"
    assert responses[1]["fullTimeEmployees"] == 3
    assert responses[1]["confidence"] == {"marketing": 3, "finance": 2}
    assert responses[2]["businessOperating"] is False


def test_a_mentored_entrepreneur_is_surveyed_months_after_the_relationship_became_active(
    acme: TenantApi, clock: SettableClock,
) -> None:
    max_ = acme.member("Max", roles=["entrepreneur"])
    ana, ben = mentor(acme, "Ana"), mentor(acme, "Ben")
    assert acme.post("/api/v1/surveys", max_, json=baseline()).status_code == 201
    # Ana's mentoring of Max became active on 1 February; his request to Ben is unanswered.
    with_ana = activate(acme, max_, ana, datetime(2026, 2, 1, 9, tzinfo=UTC))
    with_ben = request(acme, max_, ben)

    # Three months after his baseline nothing is due: his follow-ups count from 1 February.
    clock.now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    assert due(acme, max_) == []
    clock.now = datetime(2026, 5, 1, 9, tzinfo=UTC)
    assert due(acme, max_) == [("follow_up", 3, str(with_ana))]

    before = acme.accounts().position
    refusals = [
        (follow_up(3), 422, "relationshipId"),  # mentored: say which relationship
        (follow_up(3, with_ben), 409, "monthsAfter"),  # never became active
        (follow_up(6, with_ana), 409, "monthsAfter"),  # not yet
        (follow_up(3, uuid.uuid4()), 404, "relationshipId"),
    ]
    for body, status, field in refusals:
        response = acme.post("/api/v1/surveys", max_, json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field
    assert acme.accounts().position == before

    answered = acme.post("/api/v1/surveys", max_, json=follow_up(3, with_ana))
    assert answered.status_code == 201, answered.text
    assert answered.json()["response"]["relationshipId"] == str(with_ana)
    assert due(acme, max_) == []

    # The programme moves to follow-ups at 1 and 12 months: the 1-month one is now due.
    ithaca = acme.served.ithaca
    programme = ithaca.tenant_application(ithaca.tenant(acme.slug), Programme)
    programme.change_settings(ProgrammeSettings(follow_up_months=[1, 12]),
                              Actor(kind="cli", id="test"))
    assert due(acme, max_) == [("follow_up", 1, str(with_ana))]
    off_schedule = acme.post("/api/v1/surveys", max_, json=follow_up(6, with_ana))
    assert off_schedule.status_code == 422
    assert off_schedule.json()["error"]["field"] == "monthsAfter"


def test_another_entrepreneurs_relationship_answers_like_an_unknown_one(
    acme: TenantApi, clock: SettableClock,
) -> None:
    max_, eve = acme.member("Max", roles=["entrepreneur"]), acme.member(
        "Eve", roles=["entrepreneur"]
    )
    ana = mentor(acme, "Ana")
    theirs = activate(acme, max_, ana, datetime(2025, 6, 1, tzinfo=UTC))
    assert acme.post("/api/v1/surveys", eve, json=baseline()).status_code == 201
    before = acme.accounts().position
    response = acme.post("/api/v1/surveys", eve, json=follow_up(3, theirs))
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "relationshipId"
    assert acme.accounts().position == before
    # Eve was never mentored, so Max's relationship changes nothing of her schedule.
    clock.now = datetime(2026, 4, 10, 12, tzinfo=UTC)
    assert due(acme, eve) == [("follow_up", 3, None)]


def test_a_second_baseline_is_refused(acme: TenantApi, clock: SettableClock) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    assert acme.post("/api/v1/surveys", ana, json=baseline()).status_code == 201
    before = acme.accounts().position
    again = acme.post("/api/v1/surveys", ana, json=baseline(fullTimeEmployees=9))
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "kind"
    assert "2026-01-10" in again.json()["error"]["problem"]
    assert acme.accounts().position == before
    assert len(acme.get("/api/v1/me/surveys", ana).json()["responses"]) == 1


BAD_ANSWERS: list[tuple[dict[str, Any], int, str]] = [
    (baseline(revenueAmount=None, revenueCurrency=None), 422, "revenueAmount"),
    (baseline(revenueBand="1k-10k"), 422, "revenueBand"),
    (baseline(revenueAmount=None, revenueBand="1k-10k"), 422, "revenueBand"),
    (baseline(revenueCurrency=None), 422, "revenueCurrency"),
    (baseline(revenueCurrency="ZZZ"), 422, "revenueCurrency"),
    (baseline(revenueCurrency="XAU"), 422, "revenueCurrency"),  # gold is not revenue
    (baseline(revenueCurrency="eur"), 400, "revenueCurrency"),
    (baseline(revenueAmount="-5"), 422, "revenueAmount"),
    (baseline(revenueAmount="NaN"), 422, "revenueAmount"),
    (baseline(revenueAmount="lots"), 400, "revenueAmount"),
    (baseline(revenueAmount=None, revenueCurrency=None, revenueBand="huge"), 400, "revenueBand"),
    (baseline(fullTimeEmployees=100_001), 400, "fullTimeEmployees"),
    (baseline(partTimeEmployees=-1), 400, "partTimeEmployees"),
    (baseline(confidence={"marketing": 3, "juggling": 4}), 422, "confidence.juggling"),
    (baseline(confidence={"marketing": 6}), 422, "confidence.marketing"),
    (baseline(confidence={"finance": 0}), 422, "confidence.finance"),
    (baseline(newFinance="yes"), 400, "newFinance"),
    (baseline(comment="x" * 2001), 400, "comment"),
    (baseline(mood="great"), 400, "mood"),
    ({**baseline(), "monthsAfter": 3}, 422, "monthsAfter"),
    ({**baseline(), "relationshipId": str(uuid.uuid4())}, 422, "relationshipId"),
    ({**baseline(), "kind": "midline"}, 400, "kind"),
    ({**follow_up(3), "monthsAfter": None}, 422, "monthsAfter"),
    (follow_up(4), 422, "monthsAfter"),  # the schedule is 3 and 6
    (follow_up(0), 400, "monthsAfter"),
    ({k: v for k, v in baseline().items() if k != "businessOperating"}, 400,
     "businessOperating"),
]


def test_each_bad_answer_names_its_field_and_stores_nothing(
    acme: TenantApi, clock: SettableClock,
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    before = acme.accounts().position
    for body, status, field in BAD_ANSWERS:
        sent = {key: value for key, value in body.items() if value is not None}
        response = acme.post("/api/v1/surveys", ana, json=sent)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field, (body, response.text)
    assert acme.accounts().position == before
    assert acme.get("/api/v1/me/surveys", ana).json()["responses"] == []
    assert due(acme, ana) == [("baseline", None, None)]


def test_only_entrepreneurs_answer_surveys(acme: TenantApi, clock: SettableClock) -> None:
    kai = acme.member("Kai", roles=["mentor"])
    pia = acme.member("Pia", roles=["programme_admin"])
    before = acme.accounts().position
    for member in (kai, pia):
        for path in ("/api/v1/me/surveys", "/api/v1/me/surveys/due"):
            refused = acme.get(path, member)
            assert refused.status_code == 403
            assert refused.json()["error"]["field"] == "role"
        assert acme.post("/api/v1/surveys", member, json=baseline()).status_code == 403
    assert acme.post("/api/v1/surveys", json=baseline()).status_code == 401
    assert acme.accounts().position == before


def test_figures_survive_erasure_and_the_comment_does_not(
    acme: TenantApi, clock: SettableClock
) -> None:
    ana = acme.member("Ana", roles=["entrepreneur"])
    acme.post("/api/v1/surveys", ana, json=baseline(comment="My sister lends me money."))
    surveys = impact(acme)
    assert surveys.stream.personal_keys.erase(ana.id)
    [response] = surveys.history(ana.id)
    assert response.comment == "[erased]"
    assert response.answers.revenue_amount is not None
    assert str(response.answers.revenue_amount) == "18500.50"
    assert response.answers.full_time_employees == 2
    assert response.answers.confidence == {"marketing": 3, "finance": 2}
