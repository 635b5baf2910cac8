"""What auditors rely on: tenant signing keys, signed exports and their offline verification,
the `ithaca audit` commands."""
