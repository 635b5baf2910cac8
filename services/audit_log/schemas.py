"""The optional reason a staff command may carry, as every such request body declares it.

Staff actions (programme and tenant settings, matching weights, branding, domains, moderation)
are recorded with their actor and correlation id always, and with a reason when the staff member
gives one; the audit trail shows it. Where a reason was already required (suspending,
reinstating, changing roles) it stays required; elsewhere it is optional, so existing clients
keep working.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

__all__ = ["REASON_MAX", "OptionalReason"]

REASON_MAX = 500

OptionalReason = Annotated[str, Meta(
    max_length=REASON_MAX, examples=["Agreed at the programme board of 12 May"],
    description="Why, in a few words; shown to auditors in the audit trail. Optional.",
)]
