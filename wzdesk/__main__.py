"""`python -m wzdesk` runs the same program as the `wzdesk` console script."""

from wzdesk.cli.main import run

run()
