"""Rendering the portal's pages: Jinja2 templates shipped in the package, autoescaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,  # a missing value is a bug to see in tests, not a blank
    trim_blocks=True,
    lstrip_blocks=True,
)


def base_path(request: Request) -> str:
    """Where the portal is mounted (``""`` at ``/``), for links and form actions."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """The page ``template`` filled with ``values`` (and the user, base path, CSRF token)."""
    values.setdefault("user", None)
    values.setdefault("csrf", "")
    values.setdefault("error", None)
    html = _env.get_template(template).render(base=base_path(request), **values)
    return HTMLResponse(html, status_code=status_code)
