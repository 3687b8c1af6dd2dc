"""The ``wzdesk`` program: the console with no subcommand, script-friendly subcommands otherwise."""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from wzdesk import __version__
from wzdesk.cli.common import ArgumentParser, Runtime
from wzdesk.cli.output import TerminalSafe
from wzdesk.core.errors import InvalidInput, UserError

EXIT_DATABASE = 1
#: A bug (an exception that is no user error): one line instead of a traceback (EX_SOFTWARE).
EXIT_INTERNAL = 70
#: The system refused to write or read: a full disk, a quota, a read-only file system, an I/O
#: error (EX_IOERR). No bug, so not said as one.
EXIT_IO = 74
_SYSTEM_REFUSALS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})


#: Subcommand -> the module that registers it. A script's call imports only its own module
#: (and what it needs), which keeps commands such as ``wzdesk sla due`` quick to start.
COMMAND_MODULES = {
    "sla": "sla_cmd",
    "holidays": "holidays_cmd",
    "policy": "policy_cmd",
    "client": "people_cmd",
    "contact": "people_cmd",
    "user": "people_cmd",
    "case": "case_cmd",
    "mail": "mail_cmd",
    "services": "services_cmd",
    "demo": "demo_cmd",
    "backup": "backup_cmd",
    "restore": "restore_cmd",
    "template": "template_cmd",
    "macro": "macro_cmd",
    "notify": "notify_cmd",
    "alert": "alert_cmd",
    "notices": "notices_cmd",
    "report": "insights_cmd",
    "audit": "insights_cmd",
    "view": "view_cmd",
    "serve": "serve_cmd",
}


def build_parser(only: str | None = None, verb: str | None = None) -> ArgumentParser:
    """The argument parser; ``only``: register just that subcommand (its module's
    ``register_only(subparsers, command, verb)`` builds that command alone, or only ``verb``
    under it, when it can; else its whole ``register``)."""
    parser = ArgumentParser(
        prog="wzdesk",
        description="Terminal helpdesk console. With no command, opens the console.",
    )
    parser.add_argument("--version", action="version", version=f"wzdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="sqlite:///path.db, a file path, or postgresql://... "
        "(default: $WZDESK_DB, else a SQLite file in the user data directory)",
    )
    parser.add_argument("--as", dest="acting", metavar="LOGIN", help="act as this console user")
    parser.add_argument("--demo", action="store_true", help="open the demo database")
    parser.add_argument("--wallboard", action="store_true", help="open the breach wallboard")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = dict.fromkeys(COMMAND_MODULES.values()) if only is None else [COMMAND_MODULES[only]]
    for name in modules:
        module = importlib.import_module(f"wzdesk.cli.{name}")
        register_only = getattr(module, "register_only", None)
        if only is None or register_only is None or not register_only(subparsers, only, verb):
            module.register(subparsers)
    _accept_global_options_anywhere(parser)
    return parser


def _accept_global_options_anywhere(parser: argparse.ArgumentParser) -> None:
    """Let ``--db`` and ``--as`` also follow the subcommand (``wzdesk case list --as kim``), on
    every subcommand that runs: a leaf, or one whose verbs are optional (``wzdesk backup``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in {id(c): c for c in action.choices.values()}.values():  # aliases once
                verbs = [a for a in child._actions if isinstance(a, argparse._SubParsersAction)]
                runs = not verbs or not verbs[0].required
                if runs and "--db" not in child._option_string_actions:
                    child.add_argument(
                        "--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS
                    )
                    child.add_argument(
                        "--as",
                        dest="acting",
                        metavar="LOGIN",
                        default=argparse.SUPPRESS,
                        help="act as this console user",
                    )
                _accept_global_options_anywhere(child)


def _skip_postgres_driver_unless_needed(db_url: str | None) -> None:
    """Keep Peewee from importing a PostgreSQL driver the run will not use.

    Peewee imports both drivers eagerly when it is first imported. A SQLite run needs
    neither. A PostgreSQL run uses psycopg2 when it is installed (:func:`store.database.connect`),
    and importing psycopg 3 beside it cost 150–250 ms of CPU for nothing: its own modules,
    ``asyncio``, ``importlib.metadata`` and ``ssl``, four times psycopg2's whole import. Only
    effective before Peewee is first imported, i.e. in a fresh ``wzdesk`` process.
    """
    if "peewee" in sys.modules:
        return
    unused: tuple[str, ...] = ("psycopg", "psycopg2")
    if (db_url or "").startswith("postgres"):
        from importlib.util import find_spec

        unused = ("psycopg",) if find_spec("psycopg2") is not None else ()
    for driver in unused:
        sys.modules.setdefault(driver, None)  # type: ignore[arg-type]
    if "psycopg2" not in unused and (db_url or "").startswith("postgres"):
        _import_psycopg2_without_ssl()


def _import_psycopg2_without_ssl() -> None:
    """Import psycopg2 without Python's ``ssl`` module, which it imports for nothing here.

    psycopg2 imports ``ssl`` when it loads, only so as to tell libpq that Python has set up
    libcrypto's locking. That matters to OpenSSL before 1.1.0, where libpq and Python share
    one libcrypto; psycopg2's own wheels bring their own OpenSSL 3 (and a psycopg2 built on
    the system's links OpenSSL 3 too), whose locking needs nobody's set-up. When ``ssl``
    cannot be imported psycopg2 leaves libpq to set OpenSSL up itself, as any libpq program
    does; SSL connections work the same. Leaving it out saves 7–8 ms of a PostgreSQL
    command's 115–125 ms of CPU (medians of 25 pairs). ``ssl`` is importable again straight
    after (mail uses it).
    """
    if "ssl" in sys.modules or "psycopg2" in sys.modules:
        return
    sys.modules["ssl"] = None  # type: ignore[assignment]
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pass  # not installed: database.connect names the missing driver
    finally:
        if sys.modules.get("ssl", False) is None:
            del sys.modules["ssl"]


#: Global options that take a value (``--db URL``): that value is never the command's name.
_VALUED_OPTIONS = ("--db", "--as")


def _bare_words(words: Sequence[str]) -> list[str]:
    """The bare words of ``words`` that are no option's value, up to ``--``: the command's
    name, then its verb's (``wzdesk --db X case list --limit 20``: case, list, 20)."""
    bare: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--":
            break
        elif word in _VALUED_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            bare.append(word)
    return bare


def _command_of(words: Sequence[str]) -> str | None:
    """The subcommand named in ``words``: the first bare word that is no option's value, so
    ``wzdesk --db X sla due`` and ``wzdesk sla due --db X`` both build only the ``sla`` parser
    (``build_parser()`` with no argument still builds the whole tree, for help and tests)."""
    bare = _bare_words(words)
    return bare[0] if bare else None


def _verb_of(words: Sequence[str]) -> str | None:
    """The second bare word: the verb of a command that has verbs (``case list``)."""
    bare = _bare_words(words)
    return bare[1] if len(bare) > 1 else None


#: Options whose value is query text, which may well start with "-": a negated word.
_QUERY_OPTIONS = ("--query", "--search")


def _query_values_attached(words: Sequence[str]) -> list[str]:
    """``--query -payroll`` as ``--query=-payroll``: argparse takes a value that starts with
    "-" for an unknown option and stops with "expected one argument", though the query
    language's own negation is written that way. A value starting with "--" is left alone."""
    joined: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            joined.extend(words[index:])
            break
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in _QUERY_OPTIONS and following[:1] == "-" and following[1:2] not in ("", "-"):
            joined.append(f"{word}={following}")
            index += 2
            continue
        joined.append(word)
        index += 1
    return joined


def _db_url_from(argv: Sequence[str]) -> str | None:
    """``--db`` as given on the command line (before argparse runs), else ``WZDESK_DB``."""
    for index, word in enumerate(argv):
        if word == "--db" and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith("--db="):
            return word.removeprefix("--db=")
    return os.environ.get("WZDESK_DB")


def _database_url(args: argparse.Namespace) -> str | None:
    """``--db``, or the demo database with ``--demo`` (for the console and subcommands alike)."""
    if not args.demo:
        return None if args.db is None else str(args.db)
    if args.db:
        from wzdesk.core.errors import InvalidInput

        raise InvalidInput(
            "--demo opens the demo database; give --demo or --db, not both", field="--demo"
        )
    from wzdesk.services.desk_location import demo_database_path

    return str(demo_database_path())


def main(argv: Sequence[str] | None = None, *, identity: str | None = None) -> int:
    """Run ``wzdesk`` with ``argv``; the exit code.

    ``identity``: a trusted caller's (tests, a program embedding wzdesk) name of who acts,
    instead of the OS login or database role; the command line cannot set it.
    """
    words = _query_values_attached(sys.argv[1:] if argv is None else argv)
    _skip_postgres_driver_unless_needed(_db_url_from(words))
    command = _command_of(words)
    only = command if command in COMMAND_MODULES else None
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with it closed (`>&-`): nowhere, as print does
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    streams = sys.stdout, sys.stderr
    # Whatever a subcommand prints (client text included) reaches the terminal with its
    # control characters made visible, never obeyed.
    sys.stdout, sys.stderr = TerminalSafe(streams[0]), TerminalSafe(streams[1])
    try:
        parser = build_parser(only, _verb_of(words))
        args = parser.parse_args(words)
        if args.command is None:
            sys.stdout, sys.stderr = streams  # the console draws on the terminal itself
        undecodable = _undecodable_argument(parser, args)
        if undecodable is not None:
            print(f"wzdesk: error: {undecodable}", file=sys.stderr)
            return InvalidInput.exit_code
        return _run(args, identity)
    finally:
        sys.stdout, sys.stderr = streams


#: How ``--help`` shows an argument that names a file or folder (or, ``URL``, a database): a
#: file name may be any bytes on Linux, and Python hands them to the file system as it decoded
#: them. Every other argument is text, stored or compared.
_PATH_METAVARS = frozenset({"URL", "DIR", "FILE", "FILE.csv", "PATH", "MAILDIR"})
#: How Python keeps a byte of an argument that is not UTF-8 (``os.fsdecode``'s escape).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _undecodable_argument(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str | None:
    """The message for the first text argument that is not UTF-8, naming the argument, or None.
    Such a byte reached the database or the output as a lone surrogate, and the command
    stopped with an internal error (``case show $'WZ-\\xff'``, ``--as``, ``--query``)."""
    for dest, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            found = _ESCAPED_BYTE.search(item) if isinstance(item, str) else None
            if found is None:
                continue
            action = _action_of(parser, dest)
            if action is not None and action.metavar in _PATH_METAVARS:
                break  # a file name: its bytes are the file system's business
            byte = ord(found.group()) - 0xDC00
            return (
                f"{_argument_name(action, dest)}: is not UTF-8 text (the byte 0x{byte:02x} at "
                f"position {found.start()})"
            )
    return None


def _action_of(parser: argparse.ArgumentParser, dest: str) -> argparse.Action | None:
    """The argument stored as ``dest``, in ``parser`` or the subcommands it built."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found = _action_of(sub, dest)
                if found is not None:
                    return found
        elif action.dest == dest:
            return action
    return None


def _argument_name(action: argparse.Action | None, dest: str) -> str:
    """How ``--help`` names an argument: its longest option, or its metavar."""
    if action is None:
        return dest
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or dest.upper())


def _run(args: argparse.Namespace, identity: str | None) -> int:
    runtime: Runtime | None = None
    try:
        runtime = Runtime(
            db_url=_database_url(args),
            act_as=args.acting or os.environ.get("WZDESK_USER") or None,
            identity=identity,
            defer_announcement=True,
        )
        if args.demo and args.command != "demo":  # that one fills it to the size it asks
            from wzdesk.cli.demo_desk import prepare_demo_desk

            prepare_demo_desk(runtime, console=args.command is None)
        if args.command is None:
            from wzdesk.cli.console import run_console

            return run_console(args, runtime)
        code = int(args.handler(args, runtime))
        runtime.announce()
        return code
    except UserError as error:
        if runtime is not None:
            runtime.announce()  # the first supervisor was created all the same: say so
        # One line, always: a message quoting what the user typed may hold a newline.
        message = str(error).replace("\r", "\\r").replace("\n", "\\n")
        print(f"wzdesk: error: {message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `wzdesk case list | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except Exception as error:  # database unreachable, disk full: one line, not a traceback
        from wzdesk.services.session import database_failure

        failure = database_failure(error)
        if failure is not None:
            print(f"wzdesk: database error: {failure}", file=sys.stderr)
            return EXIT_DATABASE
        refusal = system_refusal(error)
        if refusal is not None:  # `wzdesk case list > /full/disk`
            print(f"wzdesk: error: {refusal}", file=sys.stderr)
            return EXIT_IO
        if os.environ.get("WZDESK_DEBUG"):
            raise
        print(
            f"wzdesk: internal error (a bug; WZDESK_DEBUG=1 shows where): "
            f"{type(error).__name__}: {error}".splitlines()[0],
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> NoReturn:
    """The ``wzdesk`` program (console script and ``python -m wzdesk``): :func:`main`, then exit.

    A command that never imported Peewee wrote nothing and holds nothing that needs closing:
    the quick read path's commands (``case list``, ``sla due``…) read over a connection they
    have closed and print. For those the interpreter's teardown (freeing every module, then
    psycopg2's and OpenSSL's exit handlers) is pure cost, 9–12 ms of a PostgreSQL command's
    75–85 ms of CPU, so they flush their output and leave at once. Anything else exits as
    usual: an ORM connection closes (SQLite checkpoints its log), threads are joined and
    ``atexit`` handlers run.
    """
    code = _flushed(main())
    if _nothing_to_tear_down():
        os._exit(code)
    raise SystemExit(code)


def _flushed(code: int) -> int:
    """Flush what the command printed while a failure can still be said and change the exit
    code (Python's own last flush would print a traceback-like "Exception ignored" and exit
    120): a reader gone (``| head``) is no error, a full disk is said in one line. A stream
    that failed is pointed at /dev/null so that nothing tries it again."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader left, or the stream is closed
            _to_devnull(stream)
        except OSError as error:
            _to_devnull(stream)
            refusal = system_refusal(error)
            said = refusal or f"internal error: {type(error).__name__}: {error}"
            os.write(2, f"wzdesk: error: {said}\n".encode(errors="replace"))
            code = code or (EXIT_IO if refusal else EXIT_INTERNAL)
    return code


def _to_devnull(stream: object) -> None:
    try:
        target = stream.fileno()  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        return  # not a file (a test's stand-in), or already closed
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, target)
    finally:
        os.close(devnull)


def system_refusal(error: BaseException) -> str | None:
    """One line for an error that is the system refusing a write or read (a full disk, a quota,
    a read-only file system, an I/O error), naming the file when it is known; None for any
    other error."""
    if not isinstance(error, OSError) or error.errno not in _SYSTEM_REFUSALS:
        return None
    return f"{error.strerror}: {error.filename}" if error.filename else str(error.strerror)


def _nothing_to_tear_down() -> bool:
    """True when leaving without the interpreter's teardown loses nothing: no ORM was opened
    (every write goes through it), no thread besides the main one runs, no exit handler is
    registered (``atexit._ncallbacks`` is CPython's; elsewhere, tear down)."""
    if "peewee" in sys.modules or "textual" in sys.modules:
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    import atexit

    handlers = getattr(atexit, "_ncallbacks", None)
    return handlers is not None and handlers() == 0


if __name__ == "__main__":
    run()
