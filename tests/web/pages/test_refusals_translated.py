"""A refusal reaches the reader in their language, with its values filled in: the domain says
"must be %(least)s to %(most)s characters" and the page translates those words, then fills them."""

from __future__ import annotations

from tests.projections.matching.people import mentor
from tests.web.pages.conftest import TenantPages


def test_a_spanish_speaking_entrepreneur_reads_why_her_introduction_is_refused(
    acme_pages: TenantPages,
) -> None:
    # Ana reads the pages in Spanish. Her introduction is long enough only with the spaces
    # around it, so the form lets it through and the domain refuses it, naming its limits.
    maria = mentor(acme_pages.api, "Maria Lopez", expertise=["finance"], languages=["es"])
    ana = acme_pages.member("Ana Pereira", roles=["entrepreneur"], locale="es")

    refused = ana.post(f"/mentors/{maria.id}/request",
                       {"introduction": "Hola, ayúdame con los precios" + " " * 40})

    assert refused.status_code == 422, refused.text
    beside = refused.text.split('id="error-introduction"', 1)[1].split("</", 1)[0]
    assert ("debe tener de 50 a 2000 caracteres (sin contar los espacios al principio y al "
            "final)") in beside
    assert "must be" not in refused.text
