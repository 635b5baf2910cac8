"""The demo tenant's sample data: a programme nine months into its life.

The story is data: the TOML files in this package (programme.toml, mentors.toml,
entrepreneurs.toml, relationships.toml, conversations.toml; read and checked by `data`) say who
the members are and what happens between them; editing them changes the demo. The modules tell
it: `add_demo_sample_data` (`telling`) plays it through the application services, exactly as
the API's controllers call them: members sign up and verify their address, write their profiles,
assess their business and answer the baseline survey (`members`); entrepreneurs ask mentors for
mentoring, mentors accept or decline, pairs talk (`mentoring`), meet, log and confirm their
sessions (`meetings`), and months later entrepreneurs answer their follow-up surveys (`impact`);
a few members are reported to the programme's admins (`moderation`). Nothing is written to a
table or a stream directly.

Time. The story is told in story time on the platform's one clock (`Ithaca.clock`, a
`SettableClock` the demo bootstraps with): the story sets it to each step's moment, from about
nine months before the real now up to it, so every application's "now" and every event's
timestamp are the step's. Every step is planned first, then all of them are run in time order
(`stage`), so the tenant's stream reads as the programme's history: the dashboard's monthly
series spread over the nine months, and an as-of replay to a date inside the story shows the
programme then. Meetings planned after the real now are the upcoming ones. Afterwards the clock
is as it was.

Idempotency. The tenant admin (the staff member without `joins` in programme.toml) is created
last: once it exists the sample is complete and a new run returns at once; a sample cut short
(its first member exists, its admin does not) is refused with an explanation rather than
half-written twice. The story is anchored to the moment of the first run, so the data ages with
the tenant (upcoming meetings become past meetings that nobody logged, pending requests expire).

Determinism: fixed names and texts, and one `random.Random` with a fixed seed for the figures
(ratings, revenue changes, meeting lengths); only ids and the anchor moment differ per run.
"""

from __future__ import annotations

from infra.demo.data import load_story
from infra.demo.telling import add_demo_sample_data
from tenants.domain import Branding

__all__ = [
    "DEMO_BRANDING",
    "DEMO_NAME",
    "DEMO_PASSWORD",
    "DEMO_SIGN_INS",
    "DEMO_SLUG",
    "STORY_DAYS",
    "add_demo_sample_data",
]

_STORY = load_story()
_PROGRAMME = _STORY.programme
DEMO_SLUG: str = _PROGRAMME.slug
DEMO_NAME: str = _PROGRAMME.name
DEMO_BRANDING: Branding = _PROGRAMME.branding
DEMO_PASSWORD: str = _PROGRAMME.password
"""Every demo member's password (published: `ithaca demo` prints it)."""
DEMO_SIGN_INS: tuple[tuple[str, str], ...] = _STORY.sign_ins
"""(who, e-mail) of the demo sign-ins `ithaca demo` prints; all use `DEMO_PASSWORD`."""
STORY_DAYS: int = _PROGRAMME.story_days
"""The story starts this many days before the first run."""
