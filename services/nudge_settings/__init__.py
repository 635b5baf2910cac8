"""Nudge settings: which nudges a tenant's admins switched off, and the words they gave them.

Its own context, below every context that nudges (mentoring, impact, the nudges feature), so
that each can read a nudge's setting without importing the others.
"""
