"""Backups that are tested: make one while consoles run, verify it by restoring it into a
scratch database, restore it, rotate the old ones (the policy's daily backups, rotation,
retention and periodic testing).

* :func:`make_backup`: a consistent copy of the database and every attachment it refers to,
  compressed, named by time, with a checksum manifest (:mod:`~wzdesk.services.backup_archive`),
  then the rotation (7 daily, 4 weekly, 12 monthly unless changed: the rule is data).
* :func:`verify_backup`: every checksum, then the database restored into a scratch one and
  checked (integrity, schema version, rows per table, every referenced attachment present).
  The result is recorded, so supervisors see the age of the last verified backup.
* :func:`restore_backup`: verifies first, refuses to replace a desk that holds data unless
  forced, and then keeps the replaced one aside as a backup of its own, holding writers off
  from that snapshot until the replacement is done (a write in between was in neither).

Supervisors only, except restoring into an empty or new database (after a disaster there is
nobody to sign in as).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peewee

from wzdesk import __version__
from wzdesk.core.clock import Clock
from wzdesk.core.errors import BackupInvalid, InvalidInput, NotFound
from wzdesk.core.retention import Retention, to_keep
from wzdesk.core.rules import Action
from wzdesk.services.backup_archive import (
    DATABASE_MEMBERS,
    FORMAT,
    ArchiveName,
    Unpacked,
    archive_name,
    archives_in,
    check_exists,
    sidecar,
    unpack,
    write_archive,
)
from wzdesk.services.backup_names import LAST_BACKUP_KEY, LAST_VERIFIED_KEY, folder_for
from wzdesk.services.backup_scratch import (
    BACKUP_PREFIX,
    VERIFY_PREFIX,
    clean_leftovers,
    scratch_folder,
)
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.mail_settings import blob_store
from wzdesk.store import dumps
from wzdesk.store.database import db, open_target, writers_held_off
from wzdesk.store.location import DatabaseTarget, default_data_dir, path_kind
from wzdesk.store.migrations import LATEST_VERSION, index_history_trigrams, upgrade
from wzdesk.store.models import Case, Setting, User

RETENTION_KEY = "backup.retention"
DATABASE_ID_KEY = "database.id"


# -- settings: the retention rule, what happened last -------------------------------------------


def _setting(key: str) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row is not None else None


def _put_setting(key: str, value: Any) -> None:
    text = json.dumps(value, sort_keys=True)
    Setting.insert(key=key, value=text).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: text}
    ).execute()


def retention() -> Retention:
    """The rotation rule this database keeps its backups by."""
    stored = _setting(RETENTION_KEY)
    return Retention(**stored) if stored else Retention()


def set_retention(ctx: ServiceContext, rule: Retention) -> Retention:
    """Change the rotation rule (supervisors; audited)."""
    ctx.require(Action.MANAGE_BACKUPS)
    with write_transaction():
        before = retention()
        _put_setting(RETENTION_KEY, rule.as_dict())
        ctx.audit("backup.retention", "setting", RETENTION_KEY, before.as_dict(), rule.as_dict())
    return rule


def database_id() -> str:
    """This database's identity (made once): tells its backups from another desk's."""
    existing = _setting(DATABASE_ID_KEY)
    if existing:
        return str(existing)
    with write_transaction():
        existing = _setting(DATABASE_ID_KEY)
        if not existing:
            existing = secrets.token_hex(16)
            _put_setting(DATABASE_ID_KEY, existing)
    return str(existing)


@dataclass(frozen=True)
class BackupStatus:
    """What the console shows supervisors: the last backup and the last verified one."""

    last_backup_at: datetime | None
    last_verified_at: datetime | None  # when the newest verified backup was made
    verified_checked_at: datetime | None  # when it was verified
    last_verified_file: str | None
    #: The last verified backup's file when it is known to be gone (then none of the above).
    verified_missing: str | None = None

    def verified_age_seconds(self, now: datetime) -> float | None:
        if self.last_verified_at is None:
            return None
        return (now - self.last_verified_at).total_seconds()


def backup_status() -> BackupStatus:
    """The last backup and the last verified backup of the open database.

    A verified backup whose file is gone is no verified backup: the console said "Last
    verified backup: 1 h old" of a file rotation had deleted. Gone means its folder is here
    and the file is not; a console on another machine than the backups (PostgreSQL) cannot
    look, and trusts the record, which rotation keeps true (it never deletes that file)."""
    last = _setting(LAST_BACKUP_KEY) or {}
    verified = _setting(LAST_VERIFIED_KEY) or {}

    def instant(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    file = verified.get("file")
    if file and _known_gone(Path(file)):
        return BackupStatus(instant(last.get("created_at")), None, None, None, file)
    return BackupStatus(
        instant(last.get("created_at")),
        instant(verified.get("created_at")),
        instant(verified.get("checked_at")),
        file,
    )


def _known_gone(path: Path) -> bool:
    return path.parent.is_dir() and not path.is_file()


def _last_verified_path() -> Path | None:
    file = (_setting(LAST_VERIFIED_KEY) or {}).get("file")
    return Path(file).resolve() if file else None


# -- where backups go ---------------------------------------------------------------------------


def backup_folder(to: str | None = None) -> Path:
    """``--to``, else ``WZDESK_BACKUPS``, else ``backups/`` beside the SQLite file (or in the
    user data directory for PostgreSQL): :func:`backup_names.folder_for` the open database."""
    return folder_for(to, open_target())


def _ready_folder(folder: Path) -> Path:
    """``folder``, created when missing: a folder the user named needs its parent (a typo is
    refused), the default one in the user data directory (PostgreSQL) is made whole, as the
    default database's folder is. A team's first ``wzdesk backup`` on PostgreSQL was refused,
    naming a ``--to`` nobody had given."""
    if path_kind(folder, "--to") == "missing":
        default = folder == default_data_dir() / "backups"
        if not default and path_kind(folder.parent, "--to") != "folder":
            raise InvalidInput(f"the folder {folder.parent} does not exist", field="--to")
        try:
            folder.mkdir(mode=0o700, parents=default, exist_ok=default)
        except OSError as error:  # /proc/nope: a parent that refuses new folders
            reason = error.strerror or type(error).__name__
            raise InvalidInput(f"cannot create {folder}: {reason}", field="--to") from None
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise InvalidInput(f"cannot write backups into {folder}", field="--to")
    return folder


# -- making one ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupMade:
    """A new backup, and what the rotation removed."""

    path: Path
    created_at: datetime
    size_bytes: int
    schema_version: int
    tables: dict[str, int]
    attachments: int
    #: Files the database refers to that were already gone from the attachment store.
    missing_attachments: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Scratch folders of killed backups and verifies, removed first (full database copies).
    cleaned: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "created_at": self.created_at.isoformat(),
            "size_bytes": self.size_bytes,
            "schema_version": self.schema_version,
            "tables": self.tables,
            "attachments": self.attachments,
            "missing_attachments": self.missing_attachments,
            "removed": self.removed,
            "cleaned": self.cleaned,
        }


def make_backup(
    ctx: ServiceContext, folder: Path, *, rotate: bool = True, label: str = ""
) -> BackupMade:
    """Back up the open database and its attachments into ``folder`` (supervisors); first
    remove what killed backups left there (:mod:`~wzdesk.services.backup_scratch`)."""
    ctx.require(Action.MANAGE_BACKUPS)
    folder = _ready_folder(folder)
    cleaned = clean_leftovers(folder)
    now = ctx.clock.now()
    identity = database_id()
    target = open_target()
    blob_store().clean_temporary()
    path = archive_name(folder, now, label)
    with scratch_folder(folder, BACKUP_PREFIX) as work:
        copy = work / DATABASE_MEMBERS[target.backend]
        made = _archive(path, work, copy, _snapshot(target, copy), now, identity, target)
    made.cleaned.extend(cleaned)
    with write_transaction():
        _put_setting(LAST_BACKUP_KEY, {"created_at": now.isoformat(), "file": str(path)})
        ctx.audit("backup.make", "database", identity, None, made.as_dict())
    if rotate:
        made.removed.extend(rotate_backups(folder, keep=path))
    return made


def _archive(
    path: Path,
    work: Path,
    copy: Path,
    described: tuple[int, dict[str, int], set[str]],
    now: datetime,
    identity: str,
    target: DatabaseTarget,
) -> BackupMade:
    """Write the backup file ``path`` from the database snapshot ``copy`` (in the scratch
    folder ``work``) and the attachments it refers to."""
    version, counts, referenced = described
    store = blob_store()
    # A file lost from the store before this backup cannot be in it: said, not hidden.
    missing = sorted(d for d in referenced if not store.has(d))
    manifest = {
        "format": FORMAT,
        "created_at": now.astimezone(UTC).isoformat(),
        "wzdesk_version": __version__,
        "backend": target.backend,
        "source": target.description,
        "database_id": identity,
        "schema_version": version,
        "tables": counts,
        "missing_attachments": missing,
    }
    present = sorted(referenced.difference(missing))
    attachments = ((d, store.path_of(d)) for d in present)
    written = write_archive(path, manifest, copy, attachments, scratch=work)
    size = path.stat().st_size
    return BackupMade(path, now, size, version, counts, len(written["attachments"]), missing)


def _snapshot(target: DatabaseTarget, copy: Path) -> tuple[int, dict[str, int], set[str]]:
    """Copy the open database consistently; its version, counts and referenced files."""
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        with dumps.pg_snapshot(database) as snapshot:
            described = dumps.describe(database)
            try:
                dumps.pg_dump(target, copy, snapshot)
            except dumps.ToolFailed as error:
                raise InvalidInput(str(error), field="pg_dump") from None
        return described
    dumps.copy_sqlite(database.connection(), copy)
    return _describe_sqlite(copy)


def _describe_sqlite(path: Path) -> tuple[int, dict[str, int], set[str]]:
    copy = peewee.SqliteDatabase(str(path))
    try:
        return dumps.describe(copy)
    finally:
        copy.close()


def rotate_backups(
    folder: Path, rule: Retention | None = None, *, keep: Path | None = None
) -> list[str]:
    """Delete the backups in ``folder`` the retention rule no longer keeps; their names.

    Never deleted: the ones a restore kept aside; ``keep``, the backup just made, whatever
    its name says; and the last verified backup, until a newer one is verified. Keep-daily
    keeps the newest backup of a day, so a second backup that day (by hand, before a risky
    change) deleted the nightly verified one, and the desk had no backup known to restore.
    It is kept beside the newest rather than instead of it (at most one file more): the
    newest may hold the day's work. Of several backups within one second the highest-
    numbered is the newest (:func:`~wzdesk.services.backup_archive.archive_name`)."""
    rule = rule or retention()
    verified = _last_verified_path()
    rotating = [a for a in archives_in(folder) if not a.before_restore]
    kept = to_keep((a.created_at for a in rotating), rule)
    newest_per_instant: dict[datetime, ArchiveName] = {}
    for archive in rotating:  # oldest first: the last one of an instant wins
        newest_per_instant[archive.created_at] = archive
    removed = []
    for archive in rotating:
        if archive.path == keep or (
            archive.created_at in kept and newest_per_instant[archive.created_at] is archive
        ):
            continue
        if verified is not None and archive.path.resolve() == verified:
            continue
        archive.path.unlink(missing_ok=True)
        sidecar(archive.path).unlink(missing_ok=True)
        removed.append(archive.path.name)
    return removed


# -- verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """A backup that passed every check."""

    path: Path
    manifest: dict[str, Any]
    checked_at: datetime
    recorded: bool  # whether it is this database's and was recorded as its last verified

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "ok": True,
            "created_at": self.manifest["created_at"],
            "checked_at": self.checked_at.isoformat(),
            "backend": self.manifest["backend"],
            "source": self.manifest.get("source"),
            "schema_version": self.manifest["schema_version"],
            "tables": self.manifest["tables"],
            "attachments": len(self.manifest["attachments"]),
            "missing_attachments": len(self.manifest.get("missing_attachments", [])),
            "checksum_file": True,
            "recorded": self.recorded,
        }


def newest_backup(folder: Path) -> Path:
    """The newest backup in ``folder``."""
    found = archives_in(folder)
    if not found:
        raise NotFound(f"no backup in {folder}", field="FILE")
    return found[-1].path


@contextmanager
def _scratch_beside(path: Path) -> Iterator[Path]:
    """A scratch folder beside the backup (room for it), else in the system's temporary folder:
    when that folder is read-only (a mounted archive) or refuses a new folder although it looks
    writable (``/proc/self/fd``, a full disk). Locked while in use, so that a backup in that
    folder removes it if this process is killed."""
    beside = path.parent if os.access(path.parent, os.W_OK) else None
    with ExitStack() as stack:
        try:
            work = stack.enter_context(scratch_folder(beside, VERIFY_PREFIX))
        except OSError:
            if beside is None:
                raise
            work = stack.enter_context(scratch_folder(None, VERIFY_PREFIX))
        yield work


@contextmanager
def _checked(path: Path) -> Iterator[Unpacked]:
    """The backup unpacked into a scratch folder and its database checked by restoring it
    into a scratch database; :class:`BackupInvalid` on the first problem."""
    with _scratch_beside(path) as work:
        unpacked = unpack(path, work)
        if not unpacked.checksum_file:
            raise BackupInvalid(
                f"{path.name} has no checksum file ({sidecar(path).name}) beside it"
            )
        _check_database(unpacked, path)
        yield unpacked


def _check_database(unpacked: Unpacked, path: Path) -> None:
    manifest = unpacked.manifest
    if manifest["schema_version"] > LATEST_VERSION:
        raise BackupInvalid(
            f"{path.name} is at schema version {manifest['schema_version']}, newer than this "
            f"wzdesk understands ({LATEST_VERSION}); verify it with a newer wzdesk"
        )
    if manifest["backend"] == "sqlite":
        integrity = dumps.sqlite_integrity(unpacked.database_file)
        if integrity != "ok":
            raise BackupInvalid(f"the database in {path.name} is damaged: {integrity}")
        found = _describe_sqlite(unpacked.database_file)
    else:
        found = _describe_postgresql_dump(unpacked.database_file, path)
    version, counts, referenced = found
    if version != manifest["schema_version"]:
        raise BackupInvalid(
            f"the database in {path.name} is at schema version {version}, its manifest says "
            f"{manifest['schema_version']}"
        )
    if counts != manifest["tables"]:
        differ = sorted(
            t for t in {*counts, *manifest["tables"]} if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupInvalid(
            f"the database in {path.name} does not hold the rows its manifest counts "
            f"({', '.join(differ[:4])})"
        )
    known_missing = set(manifest.get("missing_attachments", []))
    absent = sorted(referenced - set(manifest["attachments"]) - known_missing)
    if absent:
        raise BackupInvalid(
            f"{len(absent)} attachment(s) the database in {path.name} refers to are not in it "
            f"(e.g. {absent[0][:12]}…)"
        )


def _describe_postgresql_dump(dump: Path, path: Path) -> tuple[int, dict[str, int], set[str]]:
    server = db.obj
    if not isinstance(server, peewee.PostgresqlDatabase):
        raise InvalidInput(
            f"{path.name} is a PostgreSQL backup: it is verified by restoring it into a scratch "
            "database on a PostgreSQL server; give --db postgresql://…",
            field="--db",
        )
    target = open_target()
    name = f"{target.location[:40]}_verify_{secrets.token_hex(4)}"
    with dumps.scratch_postgresql(server, target, name) as scratch:
        try:
            dumps.pg_restore(scratch, dump, scratch=True)
        except dumps.ToolFailed as error:
            raise BackupInvalid(f"the database in {path.name} does not restore: {error}") from None
        params: dict[str, Any] = dict(scratch.params)
        copy = peewee.PostgresqlDatabase(scratch.location, **params)
        try:
            return dumps.describe(copy)
        finally:
            copy.close()


def verify_backup(ctx: ServiceContext, path: Path) -> Verified:
    """Check the backup at ``path`` end to end (supervisors); record it as this database's
    last verified backup when it is one of this database's and no newer verified one is
    still there. Recorded by its absolute path: rotation and ``backup list`` find it from
    any folder they are run in."""
    ctx.require(Action.MANAGE_BACKUPS)
    with _checked(path) as unpacked:
        manifest = unpacked.manifest
    now = ctx.clock.now()
    recorded = False
    if manifest.get("database_id") == _setting(DATABASE_ID_KEY):
        created = datetime.fromisoformat(manifest["created_at"])
        previous = backup_status().last_verified_at
        with write_transaction():
            if previous is None or created >= previous:
                _put_setting(
                    LAST_VERIFIED_KEY,
                    {"created_at": created.isoformat(), "checked_at": now.isoformat(),
                     "file": str(path.resolve())},
                )  # fmt: skip
            ctx.audit(
                "backup.verify", "database", manifest["database_id"], None, {"file": str(path)}
            )
        recorded = True
    return Verified(path, manifest, now, recorded)


# -- restoring ----------------------------------------------------------------------------------


def holds_a_desk() -> int:
    """How many cases and users the open database holds (0: nothing worth keeping)."""
    return Case.select().count() + User.select().count()


@dataclass(frozen=True)
class Restored:
    """A restore: from which backup, into which database, and where the replaced one went."""

    path: Path
    target: str
    kept_aside: Path | None
    tables: dict[str, int]
    attachments: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "database": self.target,
            "kept_aside": str(self.kept_aside) if self.kept_aside else None,
            "tables": self.tables,
            "attachments": self.attachments,
        }


def restore_backup(
    path: Path,
    *,
    restorer: str,
    clock: Clock,
    live: ServiceContext | None,
    folder: Path,
    force: bool,
) -> Restored:
    """Replace the open database (and add the attachments) with the backup at ``path``.

    ``restorer``: who restores (the OS login or database role; audited in the restored
    database). ``live``: the signed-in context when the open database holds a desk; replacing
    it needs ``force`` and a supervisor, and it is first backed up into ``folder``.
    """
    check_exists(path)
    in_use = holds_a_desk()
    if in_use and not force:
        raise InvalidInput(
            f"{open_target().description} holds a desk ({Case.select().count()} cases); add "
            "--force to replace it (it is backed up first and kept aside)",
            field="--force",
        )
    with _checked(path) as unpacked:
        manifest = unpacked.manifest
        target = open_target()
        if manifest["backend"] != target.backend:
            raise InvalidInput(
                f"{path.name} is a {manifest['backend']} backup; the database to restore into "
                f"is {target.description}",
                field="--db",
            )
        store = blob_store()
        for digest in manifest["attachments"]:
            if not store.has(digest):
                store.put(unpacked.attachment(digest).read_bytes())
        with writers_held_off():  # PostgreSQL; SQLite holds its write lock in the replacement
            kept_aside = None
            if in_use:
                assert live is not None
                kept_aside = _keep_aside_and_replace(live, folder, unpacked, target)
            else:
                _replace_database(unpacked, target)
            database = db.obj
            upgrade(database, target)  # an older backup is brought up to this wzdesk's schema
            if target.backend == "postgresql":
                with database.atomic():
                    index_history_trigrams(database)  # the restore left it out
            with write_transaction():
                audit = ServiceContext(restorer[:100], clock=clock)
                audit.audit(
                    "database.restore",
                    "database",
                    manifest.get("database_id", ""),
                    None,
                    {"file": str(path), "created_at": manifest["created_at"],
                     "kept_aside": str(kept_aside) if kept_aside else None},
                )  # fmt: skip
    return Restored(
        path, target.description, kept_aside, manifest["tables"], len(manifest["attachments"])
    )


def _keep_aside_and_replace(
    live: ServiceContext, folder: Path, unpacked: Unpacked, target: DatabaseTarget
) -> Path:
    """Back the open database up into ``folder`` as ``…-before-restore`` and replace it with
    the one in ``unpacked``, with no write committed in between: it would be in neither.

    The caller holds writers off on PostgreSQL (:func:`writers_held_off`), so the dump, its
    archive and the replacement follow one another. On SQLite the snapshot is taken under the
    replacement's own write lock (``dumps.restore_sqlite``) and archived afterwards (writers
    wait for the copy, not for the compression); if that archive cannot be written (a full
    disk), the snapshot itself is kept, beside it, under the same name."""
    live.require(Action.MANAGE_BACKUPS)
    folder = _ready_folder(folder)
    now = live.clock.now()
    identity = database_id()
    path = archive_name(folder, now, "-before-restore")
    with scratch_folder(folder, BACKUP_PREFIX) as work:
        copy = work / DATABASE_MEMBERS[target.backend]
        if target.backend == "postgresql":
            made = _archive(path, work, copy, _snapshot(target, copy), now, identity, target)
            _replace_database(unpacked, target)
            return made.path
        _replace_database(unpacked, target, keep_aside=copy)
        try:
            return _archive(path, work, copy, _describe_sqlite(copy), now, identity, target).path
        except Exception:
            rescued = path.with_name(path.name.removesuffix(".tar.gz") + ".sqlite3")
            os.replace(copy, rescued)
            return rescued


def _replace_database(
    unpacked: Unpacked, target: DatabaseTarget, keep_aside: Path | None = None
) -> None:
    database = db.obj
    if isinstance(database, peewee.PostgresqlDatabase):
        with database.atomic():
            dumps.drop_tables(database)
        try:
            dumps.pg_restore(target, unpacked.database_file)
        except dumps.ToolFailed as error:
            raise BackupInvalid(f"the restore failed: {error}") from None
        return
    connection = database.connection()
    if not isinstance(connection, sqlite3.Connection):  # pragma: no cover - peewee's own type
        raise TypeError("expected a SQLite connection")
    dumps.restore_sqlite(unpacked.database_file, connection, keep_aside)
