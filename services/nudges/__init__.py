"""Nudges: tips that tell a member the next step they have not taken yet, each switched on or
off and worded by the tenant's admins."""
