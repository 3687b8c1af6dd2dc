"""The command-line fixtures (``cli``, ``desk``) for every test module of this folder."""

from tests.cli.test_cli import cli, desk  # noqa: F401 - fixtures, re-exported
