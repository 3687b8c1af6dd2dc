"""The OS account this process runs as: who a SQLite desk's commands act as.

Apart from :mod:`wzdesk.services.identity` (which needs Peewee) so that the quick read-only
path of ``case list`` (:mod:`wzdesk.services.quick_reads`) can ask it too.
"""

from __future__ import annotations

import os

from wzdesk.core.errors import PermissionDenied


def os_login() -> str:
    """The login name of the process's effective user, as the system knows it."""
    try:
        import pwd
    except ImportError:  # Windows: the account the process runs as
        return os.getlogin()
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        raise PermissionDenied(
            f"this process runs as uid {os.geteuid()}, which has no login name"
        ) from None
