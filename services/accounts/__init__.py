"""Accounts: members, roles, sign-up and sign-in, sessions, account mail."""
