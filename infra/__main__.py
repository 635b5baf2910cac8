"""`python -m infra` is `ithaca`."""

from infra.cli import main

main()
