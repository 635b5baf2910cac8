"""Mail: `ithaca mail-sink` for development. The mail itself is declared by the features that
derive it (`Feature.due_work`) and delivered by `infra.delivery`."""

from __future__ import annotations

from infra.feature import Command, Feature
from infra.mail.commands import mail_sink

FEATURE = Feature(name="mail", commands=(Command(mail_sink),))
