"""The client portal: server-rendered pages for client admins (sign in with a one-time code,
their client's cases, a case's public timeline, replies, new cases).

:func:`portal_routes` is what an app mounts at ``/``; :func:`portal_app` is a stand-alone app
(tests, or a portal-only process).
"""

from wzdesk.web.portal.app import portal_app, portal_routes, web_routes
from wzdesk.web.portal.config import PortalConfig

__all__ = ["PortalConfig", "portal_app", "portal_routes", "web_routes"]
