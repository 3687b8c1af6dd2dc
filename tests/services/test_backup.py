"""Backups on each backend: backup -> mutate -> restore gives back exactly what was backed up
(database and attachments); a backup made while agents write is consistent; a corrupted,
truncated or tampered backup is refused by verify (and by restore, which then changes
nothing); rotation follows the retention rule kept as data."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import peewee
import pytest

from tests.conftest import new_case
from tests.mail.conftest import eml
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import BackupInvalid, InvalidInput, NotFound, PermissionDenied
from wzdesk.core.retention import Retention
from wzdesk.mail.sources import RawMessage
from wzdesk.services import backup, backup_scratch
from wzdesk.services.backup_archive import (
    ARCHIVE,
    DATABASE_MEMBERS,
    archives_in,
    file_sha256,
    sidecar,
)
from wzdesk.services.cases import open_case, reply
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client
from wzdesk.services.mail_intake import import_messages
from wzdesk.services.mail_settings import blob_store
from wzdesk.store import dumps
from wzdesk.store.database import db
from wzdesk.store.models import ALL_MODELS, AuditEntry, Case
from wzdesk.store.substring import TRIGRAM_INDEX, trigram_ids


@pytest.fixture(autouse=True)
def attachments_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    return tmp_path / "attachments"


@pytest.fixture
def desk(supervisor: ServiceContext, agent: ServiceContext, acme: str) -> list[str]:
    """Three cases, one of them from an email with an attachment (in the store)."""
    refs = [open_case(agent, new_case(summary=f"Case {i}")).ref for i in range(2)]
    with_file = eml(message_id="att@acme.example", subject="Invoice attached").replace(
        b'Content-Type: text/plain; charset="utf-8"\r\n\r\nThe payroll export stops at 80%.\r\n',
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/plain\r\n\r\nSee the file.\r\n--b\r\n"
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="inv.pdf"'
        b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IK\r\n--b--\r\n",
    )
    import_messages(supervisor, [RawMessage(with_file, "test")])
    refs.append(Case.select().order_by(Case.id.desc()).first().ref)
    return refs


def everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order."""
    rows = {}
    for model in ALL_MODELS:
        query = model.select().order_by(*model._meta.get_primary_keys()).tuples()
        rows[model._meta.table_name] = list(query)
    return rows


def test_backup_mutate_restore_gives_back_what_was_backed_up(
    database: peewee.Database,
    desk: list[str],
    supervisor: ServiceContext,
    agent: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
    attachments_here: Path,
) -> None:
    backup.database_id()  # made once, before the snapshot
    before = everything()
    stored = sorted(p.name for p in attachments_here.rglob("*") if p.is_file())
    assert len(stored) == 1  # the PDF
    made = backup.make_backup(supervisor, tmp_path / "backups")
    assert made.tables["case"] == 3 and made.attachments == 1
    assert made.path.stat().st_mode & 0o777 == 0o600

    # The desk moves on; then the attachment store is lost.
    clock.advance(timedelta(hours=1))
    reply(agent, desk[0], "After the backup")
    open_case(agent, new_case(summary="Also after"))
    add_client(supervisor, "LATE", "Late Client")
    shutil.rmtree(attachments_here)

    with pytest.raises(InvalidInput, match="--force"):
        backup.restore_backup(
            made.path, restorer="sam", clock=clock, live=None, folder=tmp_path / "b", force=False
        )
    with pytest.raises(NotFound, match="no backup file"):  # said first: not "add --force"
        backup.restore_backup(
            tmp_path / "typo.tar.gz", restorer="sam", clock=clock, live=None, folder=tmp_path,
            force=False,
        )  # fmt: skip
    restored = backup.restore_backup(
        made.path,
        restorer="sam",
        clock=clock,
        live=supervisor,
        folder=tmp_path / "backups",
        force=True,
    )
    after = everything()
    assert _history_search_is_indexed()
    restore_audit = after["audit_entry"].pop()
    assert restore_audit[2:4] == ("sam", "database.restore")
    assert after == before
    assert sorted(p.name for p in attachments_here.rglob("*") if p.is_file()) == stored
    assert blob_store().has(stored[0])
    # The replaced desk was kept aside, as a backup of its own that verifies.
    assert restored.kept_aside is not None and "before-restore" in restored.kept_aside.name
    kept = backup.verify_backup(supervisor, restored.kept_aside)
    assert kept.manifest["tables"]["case"] == 4


def test_restore_into_a_new_database_needs_no_sign_in(
    database: peewee.Database,
    database_url: str,
    desk: list[str],
    supervisor: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    backup.database_id()
    before = everything()
    made = backup.make_backup(supervisor, tmp_path / "backups")
    # Disaster: the database is gone. An empty one (new file / emptied schema) takes it back.
    if isinstance(database, peewee.PostgresqlDatabase):
        from tests.conftest import reset_postgres

        database.close()
        reset_postgres(database_url)
        url = database_url
    else:
        database.close()
        url = str(tmp_path / "new.db")
    from wzdesk.store.database import open_database

    open_database(url)
    backup.restore_backup(
        made.path, restorer="root", clock=clock, live=None, folder=tmp_path / "b", force=False
    )
    after = everything()
    assert after["audit_entry"].pop()[2:4] == ("root", "database.restore")
    assert after == before
    assert _history_search_is_indexed()  # built again after the restore on PostgreSQL


def _history_search_is_indexed() -> bool:
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        return any(index.name == TRIGRAM_INDEX for index in db.get_indexes("case"))
    summary = str(Case.select().order_by(Case.id).get().summary)
    ids = trigram_ids(summary)  # the table came back with the file, and answers
    return ids is not None and Case.select().where(Case.id.in_(ids)).count() >= 1


@pytest.mark.skipif(shutil.which("pg_restore") is None, reason="needs pg_restore")
def test_a_restore_leaves_out_extensions_and_the_index_needing_one() -> None:
    """Only an extension's owner may comment on it, and a dump comments on every extension:
    a desk whose pg_trgm a superuser installed could not be restored by its owner role. The
    restore leaves the extensions out, and the trigram index that needs one (built again)."""
    listing = (
        ";\n; Selected TOC Entries:\n;\n"
        "2; 3079 16385 EXTENSION - pg_trgm \n"
        "3401; 0 0 COMMENT - EXTENSION pg_trgm \n"
        "215; 1259 16400 TABLE public case wzowner\n"
        "3395; 0 16400 TABLE DATA public case wzowner\n"
        "3250; 1259 16520 INDEX public case_ref_summary_trigram wzowner\n"
        "3251; 1259 16521 INDEX public case_received_at_id wzowner\n"
        "3260; 2606 16530 FK CONSTRAINT public case case_client_id_fkey wzowner\n"
    )
    kept = dumps.restorable(listing).splitlines()
    assert kept == [
        ";",
        "; Selected TOC Entries:",
        ";",
        "215; 1259 16400 TABLE public case wzowner",
        "3395; 0 16400 TABLE DATA public case wzowner",
        "3251; 1259 16521 INDEX public case_received_at_id wzowner",
        "3260; 2606 16530 FK CONSTRAINT public case case_client_id_fkey wzowner",
    ]


def test_a_backup_while_agents_write_is_consistent(
    database: peewee.Database,
    desk: list[str],
    supervisor: ServiceContext,
    agent: ServiceContext,
    tmp_path: Path,
) -> None:
    stop = threading.Event()
    written = []

    def keep_writing() -> None:
        with db.connection_context():
            while not stop.is_set():
                written.append(
                    reply(agent, desk[0], f"note {len(written)}", internal=True).case.ref
                )
                time.sleep(0.005)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 5 and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        made = backup.make_backup(supervisor, tmp_path / "backups", rotate=False)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert len(written) > 5  # the writer did write meanwhile
    backup.verify_backup(supervisor, made.path)  # the counts match what the dump holds


# -- corrupted, truncated, tampered -------------------------------------------------------------


@pytest.fixture
def made(
    database: peewee.Database, desk: list[str], supervisor: ServiceContext, tmp_path: Path
) -> Path:
    return backup.make_backup(supervisor, tmp_path / "backups").path


def _flip_byte(path: Path, at: float) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0xFF
    path.write_bytes(bytes(data))


def _reseal(path: Path) -> None:
    """Rewrite the .sha256 for a tampered archive (an attacker, or a careless copy)."""
    sidecar(path).write_text(f"{file_sha256(path)}  {path.name}\n")


def _rewrite(path: Path, change: Any) -> None:
    """Rebuild the archive with ``change(name, data) -> data`` applied to each member."""
    members = []
    with tarfile.open(path, "r:gz") as tar:
        for info in tar:
            members.append((info, change(info.name, tar.extractfile(info).read())))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    _reseal(path)


def _lie_about_cases(name: str, data: bytes) -> bytes:
    if name != "MANIFEST.json":
        return data
    manifest = json.loads(data)
    manifest["tables"]["case"] += 1
    return json.dumps(manifest).encode()


def _damage_database(name: str, data: bytes) -> bytes:
    if not name.startswith("database."):
        return data
    return data[: len(data) // 2] + bytes(len(data) - len(data) // 2)


#: Damage to the file itself is found before any database is involved: checked on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda p: _flip_byte(p, 0.5), "does not match its checksum file"),
        (lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), "checksum file"),
        (
            lambda p: (_flip_byte(p, 0.6), _reseal(p)),
            "cannot be read to the end|truncated|manifest checksum",
        ),
        (lambda p: (p.write_bytes(p.read_bytes()[:-200]), _reseal(p)), "cannot be read to the end"),
        (lambda p: sidecar(p).unlink(), "has no checksum file"),
        (lambda p: _rewrite(p, _damage_database), "does not match its manifest checksum"),
        (lambda p: (p.write_bytes(gzip.compress(b"not a tar")), _reseal(p)), "cannot be read"),
    ],
    ids=[
        "flipped byte",
        "truncated",
        "flipped byte, resealed",
        "truncated, resealed",
        "no checksum file",
        "database damaged",
        "not a tar",
    ],
)
def test_a_damaged_backup_is_refused_and_never_restored(
    made: Path,
    supervisor: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
    damage: Any,
    words: str,
) -> None:
    damage(made)
    with pytest.raises(BackupInvalid, match=words):
        backup.verify_backup(supervisor, made)
    assert backup.backup_status().last_verified_at is None  # nothing recorded
    before = everything()
    with pytest.raises(BackupInvalid):
        backup.restore_backup(
            made, restorer="sam", clock=clock, live=supervisor, folder=tmp_path / "b", force=True
        )
    assert everything() == before
    assert not (tmp_path / "b").exists()  # not even the kept-aside copy: nothing started


def test_a_manifest_that_lies_about_rows_is_found_by_restoring(
    made: Path, supervisor: ServiceContext
) -> None:
    _rewrite(made, _lie_about_cases)
    with pytest.raises(BackupInvalid, match="does not hold the rows its manifest counts"):
        backup.verify_backup(supervisor, made)


def test_a_damaged_database_inside_is_found_by_restoring_it(
    database: peewee.Database, made: Path, supervisor: ServiceContext
) -> None:
    """Checksums and manifest rewritten to match a damaged database: only restoring it into a
    scratch database (SQLite's integrity check, pg_restore) can tell."""

    with tarfile.open(made, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("MANIFEST.json").read())
    member = next(iter(manifest["files"]))

    def corrupt(name: str, data: bytes) -> bytes:
        if name == member:  # the first page: SQLite's schema table, pg_dump's table of contents
            return data[:100] + b"\xde\xad\xbe\xef" * 125 + data[600:]
        return data

    _rewrite(made, corrupt)
    import hashlib

    with tarfile.open(made, "r:gz") as tar:
        contents = {i.name: tar.extractfile(i).read() for i in tar}
    manifest["files"][member] = {
        "sha256": hashlib.sha256(contents[member]).hexdigest(),
        "size": len(contents[member]),
    }
    _rewrite(made, lambda n, d: json.dumps(manifest).encode() if n == "MANIFEST.json" else d)
    with pytest.raises(BackupInvalid, match="damaged|does not restore|does not hold|schema"):
        backup.verify_backup(supervisor, made)


# -- verification recorded, rotation ------------------------------------------------------------


@SQLITE_ONLY
def test_verify_records_the_age_of_the_last_verified_backup(
    made: Path, supervisor: ServiceContext, clock: FixedClock
) -> None:
    assert backup.backup_status().last_backup_at == clock.now()
    assert backup.backup_status().last_verified_at is None
    clock.advance(timedelta(hours=5))
    verified = backup.verify_backup(supervisor, made)
    assert verified.recorded
    status = backup.backup_status()
    assert status.last_verified_at == clock.now() - timedelta(hours=5)
    assert status.verified_age_seconds(clock.now()) == 5 * 3600
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.actor, entry.action) == ("sam", "backup.verify")


def test_the_default_folder_is_made_whole_and_a_named_one_must_have_its_parent(
    database_url: str,
    supervisor: ServiceContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL the default folder is in the user data directory, which nothing else may
    have made yet: a team's first backup was refused there, naming a --to nobody gave."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh-home" / "share"))
    monkeypatch.delenv("WZDESK_BACKUPS", raising=False)
    folder = backup.backup_folder(None)
    made = backup.make_backup(supervisor, folder, rotate=False)
    assert made.path.parent == folder and made.path.is_file()
    if database_url.startswith("postgresql"):
        assert folder == tmp_path / "fresh-home" / "share" / "wzdesk" / "backups"
        assert folder.stat().st_mode & 0o777 == 0o700
    typo = tmp_path / "no-such-parent" / "backups"
    with pytest.raises(InvalidInput, match="does not exist") as refused:
        backup.make_backup(supervisor, backup.backup_folder(str(typo)), rotate=False)
    assert refused.value.field == "--to"
    refusing = Path("/proc/wzdesk-backups")  # a parent that refuses new folders, root or not
    with pytest.raises(InvalidInput, match="cannot create /proc/wzdesk-backups") as refused:
        backup.make_backup(supervisor, backup.backup_folder(str(refusing)), rotate=False)
    assert refused.value.field == "--to"


@SQLITE_ONLY
def test_only_supervisors_back_up(
    database: peewee.Database, agent: ServiceContext, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        backup.make_backup(agent, tmp_path)
    with pytest.raises(PermissionDenied):
        backup.set_retention(agent, Retention(daily=1))


@SQLITE_ONLY
def test_rotation_keeps_7_daily_4_weekly_12_monthly_by_default_and_the_rule_is_data(
    database: peewee.Database, supervisor: ServiceContext, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2025, 3, 1, 2, 30, tzinfo=UTC)
    for day in range(370):  # a year of nightly backups (empty files stand in for them)
        name = f"wzdesk-{start + timedelta(days=day):%Y%m%dT%H%M%SZ}.tar.gz"
        (folder / name).write_bytes(b"")
        sidecar(folder / name).write_text("x")
    (folder / "wzdesk-20250301T023000Z-before-restore.tar.gz").write_bytes(b"")
    (folder / "notes.txt").write_text("not a backup")
    removed = backup.rotate_backups(folder)
    left = archives_in(folder)
    assert len([a for a in left if not a.before_restore]) <= 7 + 4 + 12
    assert len(removed) == 370 - len(left) + 1
    assert (folder / "notes.txt").exists()
    assert any(a.before_restore for a in left)  # a restore's safety copy is not rotated
    assert not any(
        sidecar(folder / name).exists() for name in removed
    )  # checksum files go with their backups
    backup.set_retention(supervisor, Retention(daily=2, weekly=0, monthly=0))
    assert backup.retention() == Retention(daily=2, weekly=0, monthly=0)
    backup.rotate_backups(folder)
    assert len([a for a in archives_in(folder) if not a.before_restore]) == 2


def test_a_rule_of_zeros_keeps_the_backup_just_made(
    database: peewee.Database,
    desk: list[str],
    supervisor: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    """``backup retention --daily 0 --weekly 0 --monthly 0`` then ``backup``: the rotation
    deleted the backup it had just said was written (and verify found none)."""
    backup.set_retention(supervisor, Retention(daily=0, weekly=0, monthly=0))
    folder = tmp_path / "backups"
    first = backup.make_backup(supervisor, folder)
    assert first.path.exists() and first.removed == []
    clock.advance(timedelta(days=1))
    second = backup.make_backup(supervisor, folder)
    assert second.path.exists() and second.removed == [first.path.name]
    assert [a.path for a in archives_in(folder)] == [second.path]
    assert backup.verify_backup(supervisor, second.path).recorded


def test_a_folder_that_refuses_a_scratch_folder_verifies_in_the_temporary_folder(
    made: Path, supervisor: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder can look writable and still refuse a new folder (``/proc/self/fd``: the fuzzer
    restored ``/proc/self/fd/0`` and met an internal error). The check then unpacks in the
    system's temporary folder."""
    import tempfile

    real = tempfile.TemporaryDirectory
    used: list[str] = []

    def refusing_beside(*args: Any, dir: Any = None, **kwargs: Any) -> Any:  # noqa: A002
        if dir is not None:
            raise FileNotFoundError(2, "No such file or directory", str(dir))
        made_dir = real(*args, **kwargs)
        used.append(made_dir.name)
        return made_dir

    monkeypatch.setattr(backup_scratch.tempfile, "TemporaryDirectory", refusing_beside)
    report = backup.verify_backup(supervisor, made)
    assert report.as_dict()["ok"] is True
    assert used and Path(used[0]).parent == Path(tempfile.gettempdir())
    assert not Path(used[0]).exists()  # and cleaned up


def test_the_dump_tools_connect_with_the_urls_options_and_no_password_in_sight(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``pg_dump`` and ``pg_restore`` are told the URL's options (sslmode, a CA file, quotes
    and backslashes kept) in ``--dbname``; the password travels in the environment only."""
    from wzdesk.store.location import parse_database_url

    ran: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(dumps, "_tool", lambda name: name)
    monkeypatch.setattr(dumps, "_run", lambda command, env, what: ran.append((command, env)))
    target = parse_database_url(
        "postgresql://desk:s3cret@db.example.org:6543/wz"
        "?sslmode=verify-full&sslrootcert=/etc/it's%5Cca.pem"
    )
    dumps.pg_dump(target, tmp_path / "desk.dump")
    (command, env), *_ = ran
    dbname = command[command.index("--dbname") + 1]
    assert dbname == "dbname='wz' sslmode='verify-full' sslrootcert='/etc/it\\'s\\\\ca.pem'"
    assert "s3cret" not in " ".join(command)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"]) == (
        "db.example.org",
        "6543",
        "desk",
        "s3cret",
    )
    assert dumps.conninfo(target, "scratch").startswith("dbname='scratch' sslmode=")


def test_backups_within_one_second_are_all_kept_newest_last(
    database: peewee.Database, desk: list[str], supervisor: ServiceContext, tmp_path: Path
) -> None:
    """A frozen clock (``WZDESK_NOW``) or two backups in one second: the third backup took the
    base name again once rotation had freed it, and rotation, keeping "the last of an instant"
    by its suffix, deleted the file ``backup`` had just reported. Each backup is kept when
    made, and a later one never takes a name that sorts before an earlier one's."""
    folder = tmp_path / "backups"
    made = []
    for _ in range(4):
        made.append(backup.make_backup(supervisor, folder))
        assert made[-1].path.is_file(), made[-1].path.name
        assert made[-1].path.name not in made[-1].removed
        assert archives_in(folder)[-1].path == made[-1].path  # the newest, as verify picks it
    assert [a.path for a in archives_in(folder)] == [made[-1].path]
    numbers = [int(ARCHIVE.match(m.path.name).group(2) or 1) for m in made]
    assert numbers == [1, 2, 3, 4]


def test_rotation_keeps_the_last_verified_backup_and_a_lost_one_is_not_reported(
    database: peewee.Database,
    desk: list[str],
    supervisor: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    """Keep-daily keeps the newest backup of a day: a second backup that day rotated the
    verified one away, and the console went on saying "Last verified backup: 1 h old". The
    last verified backup is kept until a newer one is verified; one gone all the same (deleted
    by hand) is no verified backup, and the status names it."""
    folder = tmp_path / "backups"
    first = backup.make_backup(supervisor, folder)
    backup.verify_backup(supervisor, first.path)
    clock.advance(timedelta(hours=1))
    second = backup.make_backup(supervisor, folder)
    assert first.path.is_file() and second.removed == []
    status = backup.backup_status()
    assert status.last_verified_at == first.created_at
    assert status.last_verified_file is not None
    assert Path(status.last_verified_file) == first.path.resolve()

    backup.verify_backup(supervisor, second.path)  # newer: the first is an ordinary one again
    clock.advance(timedelta(hours=1))
    third = backup.make_backup(supervisor, folder)
    assert third.removed == [first.path.name]
    assert [a.path for a in archives_in(folder)] == [second.path, third.path]

    second.path.unlink()  # by hand, or by the rotation of a wzdesk before this fix
    status = backup.backup_status()
    assert status.last_verified_at is None and status.last_verified_file is None
    assert status.verified_missing == str(second.path.resolve())
    assert status.last_backup_at == third.created_at
    backup.verify_backup(supervisor, third.path)
    assert backup.backup_status().last_verified_at == third.created_at


def test_a_backup_removes_what_killed_backups_left_and_says_so(
    database: peewee.Database,
    database_url: str,
    desk: list[str],
    supervisor: ServiceContext,
    tmp_path: Path,
) -> None:
    """A backup killed after its snapshot left a full uncompressed copy of the database in a
    hidden ``.wzdesk-backup-*`` folder, never cleaned. The next backup removes every such
    folder no live process holds (and a ``verify``'s, and an older wzdesk's partial archive
    once untouched for an hour), and names them; a live one and a fresh lock-less one stay."""
    import fcntl
    import os
    import subprocess
    import sys

    folder = tmp_path / "backups"
    folder.mkdir()
    an_hour_ago = time.time() - 3700

    def leftover(name: str, lock_file: bool, when: float | None = None) -> Path:
        work = folder / name
        work.mkdir()
        (work / "database.sqlite3").write_bytes(b"every client's data")
        if lock_file:  # locked by a live process, or left unlocked by a dead one
            (work / ".lock").write_bytes(b"")
        for path in (work / "database.sqlite3", work):
            if when is not None:
                os.utime(path, (when, when))
        return work

    # A real backup killed right after its snapshot (kill -9: no cleanup of its own runs).
    killer = (
        "import os, sys; from pathlib import Path\n"
        "from wzdesk.store.database import open_database\n"
        "from wzdesk.services import backup\n"
        "from wzdesk.core.clock import SystemClock\n"
        "from wzdesk.services.directory import sign_in\n"
        "open_database(sys.argv[1])\n"
        "def killed(*args, **kwargs): os.kill(os.getpid(), 9)\n"
        "backup.write_archive = killed\n"
        "backup.make_backup(sign_in('sam', SystemClock()).context, Path(sys.argv[2]))\n"
    )
    ran = subprocess.run([sys.executable, "-c", killer, database_url, str(folder)], check=False)
    assert ran.returncode == -9
    [by_kill] = [p.name for p in folder.glob(".wzdesk-backup-*")]
    assert (folder / by_kill / DATABASE_MEMBERS[backup.open_target().backend]).is_file()

    leftover(".wzdesk-backup-dead", lock_file=True)  # its process died: the lock is free
    leftover(".wzdesk-verify-dead", lock_file=True)
    leftover(".wzdesk-backup-old", lock_file=False, when=an_hour_ago)  # an older wzdesk's
    fresh = leftover(".wzdesk-backup-fresh", lock_file=False)  # being made this instant
    live = leftover(".wzdesk-backup-live", lock_file=True)
    partial = folder / ".wzdesk-20260101T000000Z.tar.gz.partial"
    partial.write_bytes(b"half an archive")
    os.utime(partial, (an_hour_ago, an_hour_ago))
    holder = os.open(live / ".lock", os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        made = backup.make_backup(supervisor, folder)
    finally:
        os.close(holder)
    expected = sorted(
        [".wzdesk-backup-dead", ".wzdesk-verify-dead", ".wzdesk-backup-old", by_kill,
         partial.name]
    )  # fmt: skip
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == sorted(
        [fresh.name, live.name]
    )
    assert made.cleaned == expected
    assert made.as_dict()["cleaned"] == expected
    backup.verify_backup(supervisor, made.path)  # its own scratch folders are gone after it
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == sorted(
        [fresh.name, live.name]
    )


def test_a_write_during_a_restore_is_kept_aside_or_restored_never_lost(
    database: peewee.Database,
    desk: list[str],
    supervisor: ServiceContext,
    agent: ServiceContext,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``restore --force`` on a desk in use: an agent's note saved between the kept-aside
    snapshot and the replacement was reported saved and was in neither database. The
    restore now holds writers off from its snapshot until the replacement is done: a write
    then lands in the restored database (or is refused, saying so), never saved and lost."""
    backup.database_id()
    folder = tmp_path / "backups"
    made = backup.make_backup(supervisor, folder)
    marker = "written while the restore ran"
    outcome: dict[str, Any] = {}

    def write_meanwhile() -> None:
        with db.connection_context():
            try:
                reply(agent, desk[0], marker, internal=True)
                outcome["saved"] = True
            except Exception as error:  # refused: the agent is told, and may try again
                outcome["refused"] = error

    writer = threading.Thread(target=write_meanwhile)

    def then_write(real: Any) -> Any:
        def snapshot(*args: Any, **kwargs: Any) -> Any:
            done = real(*args, **kwargs)  # the kept-aside copy of the desk is taken
            if not writer.is_alive() and not outcome:
                writer.start()
                writer.join(timeout=1.0)  # a writer not held off has saved by now
            return done

        return snapshot

    monkeypatch.setattr(dumps, "copy_sqlite", then_write(dumps.copy_sqlite))
    monkeypatch.setattr(dumps, "pg_dump", then_write(dumps.pg_dump))
    restored = backup.restore_backup(
        made.path, restorer="sam", clock=clock, live=supervisor, folder=folder, force=True
    )
    writer.join(timeout=60)
    assert not writer.is_alive() and outcome, "the writer never ran"
    monkeypatch.undo()
    in_restored = _has_note(marker)
    assert restored.kept_aside is not None
    in_kept_aside = _kept_aside_has_note(restored.kept_aside, marker, tmp_path)
    if outcome.get("saved"):
        assert in_restored or in_kept_aside, "reported saved, and in neither database"
    else:
        assert not in_restored and not in_kept_aside
        assert "locked" in str(outcome["refused"]) or "restore" in str(outcome["refused"])


def _has_note(body: str) -> bool:
    from wzdesk.store.models import CaseEvent

    return CaseEvent.select().where(CaseEvent.body == body).exists()


def _kept_aside_has_note(path: Path, body: str, tmp_path: Path) -> bool:
    """Whether the kept-aside backup's database holds the note (restored into a scratch one)."""
    from wzdesk.services.backup_archive import unpack

    unpacked = unpack(path, tmp_path / "kept-aside")
    sql = "SELECT count(*) FROM case_event WHERE body = %s"
    if unpacked.manifest["backend"] == "sqlite":
        copy = peewee.SqliteDatabase(str(unpacked.database_file))
        try:
            return bool(copy.execute_sql(sql.replace("%s", "?"), (body,)).fetchone()[0])
        finally:
            copy.close()
    server = db.obj
    target = backup.open_target()
    with dumps.scratch_postgresql(server, target, f"{target.location[:40]}_kept") as scratch:
        dumps.pg_restore(scratch, unpacked.database_file, scratch=True)
        copy = peewee.PostgresqlDatabase(scratch.location, **dict(scratch.params))
        try:
            return bool(copy.execute_sql(sql, (body,)).fetchone()[0])
        finally:
            copy.close()


def test_a_writer_a_restore_held_off_too_long_is_told_to_try_again() -> None:
    """SQLite's busy timeout can run out on a long restore: the writer is refused, not
    lost, and the one line it gets says it may try again."""
    import sqlite3

    from wzdesk.services.session import database_failure

    said = database_failure(peewee.OperationalError("database is locked"))
    assert said is not None and said.endswith("; try again")
    assert database_failure(sqlite3.OperationalError("disk I/O error")) == "disk I/O error"
