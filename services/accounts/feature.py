"""Accounts: sign-up, sign-in, sessions, roles; the public pages; the mail they send."""

from __future__ import annotations

from infra.feature import Command, Feature
from infra.web.pages import public
from services.accounts.commands import members
from services.accounts.controllers import ROUTES
from services.accounts.member_data import SECTIONS as MEMBER_DATA
from services.accounts.notifications import ACCOUNT_MAIL

FEATURE = Feature(
    name="accounts",
    api=ROUTES,
    pages=public.PUBLIC_PAGES,
    commands=(Command(members),),
    due_work=(ACCOUNT_MAIL,),
    member_data=MEMBER_DATA,
)
