"""Every case action by key, and bulk actions on marked rows.

The one rule: an action acts on the case the user sees selected, as it was when the key was
pressed. The host screen says which case that is (:meth:`CaseActions.selected_target`); the
action captures it before any prompt opens, names it in every prompt's title, and hands the use
case that reference and the version it saw, so a background refresh, a reordering or another
agent's change can never redirect it: a stale version is refused as a conflict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel

from wzdesk.core.errors import Conflict, UserError
from wzdesk.core.rules import CLASSIFICATION_LABELS, Action, Category, Role, Status, may
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.services import cases as case_service
from wzdesk.services import related
from wzdesk.services.case_views import show_case
from wzdesk.services.directory import list_users
from wzdesk.services.queue import QueueRow
from wzdesk.tui.outcomes import outcome_message, said
from wzdesk.tui.screens.prompts import CallPrompt, Choice, ChoicePrompt, ConfirmPrompt, TextPrompt
from wzdesk.tui.screens.quarantine import LinePrompt
from wzdesk.tui.screens.reply import ReplyEditor, delivery_hint
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

ESCALATION_TARGETS = ["Tier 2", "Development", "Professional services", "Hosting / operations"]
CLASSIFICATIONS = [
    Choice(outcome.value, label, description)
    for outcome, (label, description) in CLASSIFICATION_LABELS.items()
]
STATUS_CHOICES = [
    Choice(Status.OPEN.value, "Open", "Being worked; the resolution clock runs"),
    Choice(
        Status.WAITING_CLIENT.value,
        "Waiting on client",
        "The resolution clock pauses until the client answers; they are emailed what we need",
    ),
]


@dataclass(frozen=True)
class Target:
    """The case an action acts on, as the user saw it when they pressed the key."""

    case_id: int
    ref: str
    version: int
    status: Status
    assignee: str | None
    category: str
    severity: str
    summary: str
    client: str = ""  # the client's code ("" when the screen did not know it)

    @classmethod
    def from_row(cls, row: QueueRow) -> Target:
        return cls(
            row.case_id,
            row.ref,
            row.version,
            Status(row.status),
            row.assignee,
            row.category,
            row.severity.value,
            row.summary,
            row.client_code,
        )

    @classmethod
    def from_case(cls, case: dict[str, Any]) -> Target:
        return cls(
            int(case["id"]),
            case["ref"],
            int(case["version"]),
            Status(case["status"]),
            case["assignee"],
            case["category"],
            case["severity"],
            case["summary"],
            case.get("client") or "",
        )


@dataclass(frozen=True)
class CaseAction:
    """A case action's key, footer label, permission and when it applies."""

    key: str
    label: str
    needs: Action
    applies: Callable[[Status], bool]
    why_not: str  # completes "WZ-1042 is resolved: …"


def _not_closed(status: Status) -> bool:
    return status is not Status.CLOSED


def _is_open(status: Status) -> bool:
    return status.is_open


def _any_status(status: Status) -> bool:
    return True


def _is_resolved(status: Status) -> bool:
    return status is Status.RESOLVED


CASE_ACTIONS: dict[str, CaseAction] = {
    "reply": CaseAction("r", "Reply", Action.REPLY, _not_closed, "a closed case takes no reply"),
    "note": CaseAction("n", "Note", Action.ADD_NOTE, _not_closed, "a closed case is final"),
    "take": CaseAction("t", "Take", Action.ASSIGN, _is_open, "reopen it (o) first"),
    "assign": CaseAction("a", "Assign", Action.ASSIGN, _is_open, "reopen it (o) first"),
    "status": CaseAction("s", "Status", Action.CHANGE_STATUS, _is_open, "reopen it (o) first"),
    "severity": CaseAction(
        "v", "Severity", Action.CHANGE_SEVERITY, _not_closed, "a closed case is final"
    ),
    "escalate": CaseAction("e", "Escalate", Action.ESCALATE, _is_open, "reopen it (o) first"),
    "resolve": CaseAction("R", "Resolve", Action.RESOLVE, _is_open, "it is not open"),
    "reopen": CaseAction("o", "Reopen", Action.REOPEN, _is_resolved, "only a resolved case"),
    "close_case": CaseAction("c", "Close", Action.CLOSE, _is_resolved, "only a resolved case"),
    "log_call": CaseAction("l", "Call", Action.LOG_CALL, _not_closed, "a closed case is final"),
    "explain": CaseAction("E", "Explain SLA", Action.EXPLAIN_SLA, _any_status, "always"),
    "link": CaseAction("L", "Link", Action.ADD_NOTE, _any_status, "always"),
    "merge": CaseAction("M", "Merge", Action.CLOSE, _not_closed, "a closed case cannot be merged"),
}
#: Shown in the footer (the rest are listed in help: F1).
_IN_FOOTER = {"reply", "note", "take", "assign", "status", "resolve", "reopen", "close_case"}

CASE_ACTION_BINDINGS = [
    Binding(action.key, name, action.label, show=name in _IN_FOOTER)
    for name, action in CASE_ACTIONS.items()
]
KEY_TO_ACTION = {action.key: name for name, action in CASE_ACTIONS.items()}


@dataclass
class ActionFinished(Message):
    """A use case ran (or was refused) on ``target``."""

    target: Target
    message: str
    error: str | None = None
    conflict: bool = False
    version: int | None = None  # the case's version after the change
    warning: bool = False  # done, but the client was not emailed (no email on file)
    #: refused or in conflict: the text the user wrote, kept to offer again (see ``Unsaved``)
    unsaved: Unsaved | None = None


@dataclass(frozen=True)
class Unsaved:
    """Text the user wrote for an action that was not saved (refused, or the case changed
    meanwhile): offered again in the same editor the next time they start that action on that
    case, so a conflict never costs them a reply typed for minutes."""

    kind: str  # "reply", "note", "resolve", "escalate"
    key: str  # the key that opens that editor again
    text: str

    @property
    def what(self) -> str:
        """The text's name in a sentence: "Your resolution note is kept"."""
        return {"resolve": "resolution note", "escalate": "reason"}.get(self.kind, self.kind)


@dataclass
class BulkFinished(Message):
    """A bulk action ran over marked cases: what was done and what was refused, and why."""

    label: str
    done: list[str]
    refused: list[tuple[str, str]]
    #: the cases whose client was emailed (a waiting-on-you notice), and those whose client
    #: could not be (no email on file: call them)
    emailed: list[str] = field(default_factory=list)
    not_emailed: list[str] = field(default_factory=list)


class CaseActions:
    """Mixin for the screen that shows a selected case. The host implements
    :meth:`selected_target` and handles :class:`ActionFinished` and :class:`BulkFinished`."""

    app: Any
    run_worker: Any
    post_message: Any
    notify: Any

    # -- what is selected, and what may be done to it -------------------------------------------

    def selected_target(self) -> Target | None:  # pragma: no cover - the host implements it
        raise NotImplementedError

    @property
    def desk_app(self) -> WzdeskApp:
        return desk(self)  # type: ignore[arg-type]

    def case_action_state(self, name: str) -> bool | None:
        """For ``check_action``: False hides a key the role may not use; None shows it dimmed
        (nothing selected, or it does not apply to the selected case's status)."""
        action = CASE_ACTIONS[name]
        if not may(self.desk_app.role, action.needs):
            return False
        target = self.selected_target()
        if target is None or not action.applies(target.status):
            return None
        return True

    def refusal(self, name: str) -> str:
        """Why a case action key did nothing just now (said in a notification)."""
        action = CASE_ACTIONS[name]
        role = self.desk_app.role
        if not may(role, action.needs):
            return f"As {role.value} you may not {action.needs.value}."
        target = self.selected_target()
        if target is None:
            return "No case is selected: pick one in the queue first."
        return f"{target.ref} is {target.status.value.replace('_', ' ')}: {action.why_not}."

    def _target(self) -> Target | None:
        target = self.selected_target()
        if target is None:
            self.notify("No case is selected: pick one in the queue first.", severity="warning")
        return target

    # -- running a use case -----------------------------------------------------------------------

    def run_use_case(
        self,
        target: Target,
        label: str,
        function: Callable[..., Any],
        *args: Any,
        unsaved: Unsaved | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``function(ctx, target.ref, *args, expected_version=target.version)`` in a
        worker; the host hears :class:`ActionFinished`. ``unsaved``: the text the user wrote,
        kept if the use case is refused."""

        def act() -> None:
            ctx = self.desk_app.context
            try:
                result = in_thread(
                    function, ctx, target.ref, *args, expected_version=target.version, **kwargs
                )
            except Conflict as error:
                self.post_message(
                    ActionFinished(target, label, str(error), conflict=True, unsaved=unsaved)
                )
                return
            except UserError as error:
                self.post_message(ActionFinished(target, label, said(error), unsaved=unsaved))
                return
            changed = getattr(result, "case", result)  # some use cases say what they emailed too
            message, warning = outcome_message(label, result)
            version = getattr(changed, "version", None)
            self.post_message(
                ActionFinished(target, message, version=version, warning=warning, unsaved=unsaved)
            )

        self.run_worker(act, thread=True, group="actions", exit_on_error=False)

    @property
    def unsaved_texts(self) -> dict[tuple[int, str], str]:
        """Texts of refused actions by (case id, kind), offered again while the console runs."""
        texts: dict[tuple[int, str], str] | None = self.__dict__.get("_unsaved_texts")
        if texts is None:
            texts = self.__dict__["_unsaved_texts"] = {}
        return texts

    def keep_unsaved(self, message: ActionFinished) -> None:
        """After an action: keep the text of one that was refused, forget one that was saved.
        The host calls this from its :class:`ActionFinished` handler."""
        if message.unsaved is None:
            return
        key = (message.target.case_id, message.unsaved.kind)
        if message.error:
            self.unsaved_texts[key] = message.unsaved.text
        else:
            self.unsaved_texts.pop(key, None)

    async def _write(self, target: Target, kind: str, editor: Callable[[str], Any]) -> str | None:
        """Open ``editor(text)`` with the text kept from a refused try on this case, if any; the
        text written (None or "": cancelled, and what was kept is dropped too)."""
        kept = self.unsaved_texts.get((target.case_id, kind), "")
        text: str | None = await self.app.push_screen_wait(editor(kept))
        if not text:
            self.unsaved_texts.pop((target.case_id, kind), None)
        return text

    # -- the actions (each awaits its prompts in a worker, ``push_screen_wait``) -------------------

    def action_explain(self) -> None:
        """How the selected case's SLA targets were counted (a screen of its own)."""
        from wzdesk.tui.screens.explain import ExplainScreen

        target = self._target()
        if target is not None:
            self.app.push_screen(ExplainScreen(target.ref))

    @work(group="prompts", exclusive=True)
    async def action_reply(self) -> None:
        target = self._target()
        if target is None:
            return
        now = self.desk_app.clock.now()
        try:  # the editor says whether the client can be emailed, and fills canned replies
            case = await asyncio.to_thread(in_thread, show_case, target.ref, now)
        except UserError as error:
            self.notify(said(error), severity="error")
            return
        text = await self._write(  # Ctrl+T: canned replies
            target, "reply", lambda kept: ReplyEditor(case, text=kept, kept=bool(kept))
        )
        if text:
            unsaved = Unsaved("reply", "r", text)
            self.run_use_case(target, "Reply saved", case_service.reply, text, unsaved=unsaved)

    @work(group="prompts", exclusive=True)
    async def action_note(self) -> None:
        target = self._target()
        if target is None:
            return
        text = await self._write(
            target,
            "note",
            lambda kept: TextPrompt(
                f"Internal note on {target.ref} · {target.summary}",
                "Only the support team sees this.",
                "Save",
                text=kept,
                kept=bool(kept),
            ),
        )
        if text:
            unsaved = Unsaved("note", "n", text)
            self.run_use_case(
                target, "Note added", case_service.reply, text, internal=True, unsaved=unsaved
            )

    @work(group="prompts", exclusive=True)
    async def action_log_call(self) -> None:
        target = self._target()
        if target is None:
            return
        call = await self.app.push_screen_wait(
            CallPrompt(f"Log a call on {target.ref} · {target.summary}", self.desk_app.clock)
        )
        if call is not None:
            seconds, notes = call
            self.run_use_case(target, "Call logged", _log_call, notes, seconds)

    @work(group="prompts", exclusive=True)
    async def action_take(self) -> None:
        target = self._target()
        if target is None:
            return
        me = self.desk_app.context.actor
        if target.assignee == me:
            self.notify(f"{target.ref} is already yours.", timeout=3)
            return
        if target.assignee is not None:
            take = await self.app.push_screen_wait(
                ConfirmPrompt(
                    f"Take {target.ref} from {target.assignee}?",
                    f"{target.summary}\nIt is assigned to {target.assignee}; it becomes yours.",
                    "Take it",
                )
            )
            if not take:
                return
        self.run_use_case(target, "Assigned to you", case_service.assign, me)

    @work(group="prompts", exclusive=True)
    async def action_assign(self) -> None:
        target = self._target()
        if target is None:
            return
        login = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Assign {target.ref} to", await self._assignee_choices(), current=target.assignee
            )
        )
        if login is not None:
            self.run_use_case(target, "Assignee changed", case_service.assign, login or None)

    async def _assignee_choices(self) -> list[Choice]:
        users = await asyncio.to_thread(in_thread, list_users)
        return [Choice("", "Unassigned", "Nobody owns the case")] + [
            Choice(u.login, f"{u.name} ({u.login})", u.role)
            for u in users
            if u.active and u.role != Role.PHONE.value
        ]

    @work(group="prompts", exclusive=True)
    async def action_status(self) -> None:
        target = self._target()
        if target is None:
            return
        status = await self.app.push_screen_wait(
            ChoicePrompt(f"Status of {target.ref}", STATUS_CHOICES, current=target.status.value)
        )
        if status:
            self.run_use_case(target, "Status changed", case_service.set_status, status)

    @work(group="prompts", exclusive=True)
    async def action_severity(self) -> None:
        target = self._target()
        if target is None:
            return
        severity = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Severity of {target.ref} (targets are recomputed from when it was received)",
                severity_choices(),
                current=target.severity,
            )
        )
        if severity:
            label = "Severity changed; targets recomputed"
            self.run_use_case(target, label, case_service.change_severity, severity)

    @work(group="prompts", exclusive=True)
    async def action_escalate(self) -> None:
        target = self._target()
        if target is None:
            return
        choices = [Choice(name, name, "") for name in ESCALATION_TARGETS]
        to = await self.app.push_screen_wait(ChoicePrompt(f"Escalate {target.ref} to", choices))
        if not to:
            return
        reason = await self._write(
            target,
            "escalate",
            lambda kept: TextPrompt(
                f"Why escalate {target.ref} to {to}?",
                "The reason is recorded.",
                "Escalate",
                text=kept,
                kept=bool(kept),
            ),
        )
        if reason:
            unsaved = Unsaved("escalate", "e", reason)
            label = f"Escalated to {to}"
            self.run_use_case(target, label, case_service.escalate, to, reason, unsaved=unsaved)

    @work(group="prompts", exclusive=True)
    async def action_resolve(self) -> None:
        target = self._target()
        if target is None:
            return
        classification: str | None = None
        if target.category == Category.UNEXPECTED:
            classification = await self.app.push_screen_wait(
                ChoicePrompt(f"What was {target.ref}?", CLASSIFICATIONS)
            )
            if not classification:
                return
        now = self.desk_app.clock.now()
        try:  # the editor says first whether the client can be emailed, as the reply's does
            case = await asyncio.to_thread(in_thread, show_case, target.ref, now)
        except UserError as error:
            self.notify(said(error), severity="error")
            return
        reach = delivery_hint(case, "the resolution note")
        note = await self._write(
            target,
            "resolve",
            lambda kept: TextPrompt(
                f"Resolve {target.ref} · {target.summary}",
                reach,
                "Resolve",
                text=kept,
                kept=bool(kept),
            ),
        )
        if note:
            unsaved = Unsaved("resolve", "R", note)
            self.run_use_case(
                target, "Resolved", case_service.resolve, note, classification, unsaved=unsaved
            )

    @work(group="prompts", exclusive=True)
    async def action_reopen(self) -> None:
        target = self._target()
        if target is None:
            return
        reason = await self.app.push_screen_wait(
            TextPrompt(f"Reopen {target.ref}", "Why? (optional)", "Reopen", required=False)
        )
        if reason is not None:
            self.run_use_case(target, "Reopened", case_service.reopen, reason)

    @work(group="prompts", exclusive=True)
    async def action_close_case(self) -> None:
        target = self._target()
        if target is None:
            return
        close = await self.app.push_screen_wait(
            ConfirmPrompt(
                f"Close {target.ref}?",
                f"{target.summary}\nClosing is final: a closed case cannot be reopened.",
                "Close it",
            )
        )
        if close:
            self.run_use_case(target, "Closed", case_service.close)

    async def _other_case(self, target: Target, title: str) -> dict[str, Any] | None:
        """Ask for the other case's reference and read it (None: cancelled, or not found)."""
        ref = await self.app.push_screen_wait(
            LinePrompt(title, "Type the other case's reference.", "WZ-1001")
        )
        if not ref:
            return None
        now = self.desk_app.clock.now()
        try:
            other = await asyncio.to_thread(in_thread, show_case, ref.strip().upper(), now)
        except UserError as error:
            self.notify(said(error), title=f"Nothing done to {target.ref}", severity="error")
            return None
        if int(other["id"]) == target.case_id:
            self.notify(f"That is {target.ref} itself: name another case.", severity="warning")
            return None
        return other

    @work(group="prompts", exclusive=True)
    async def action_link(self) -> None:
        """L: link the selected case to another (related, duplicate of, caused by)."""
        target = self._target()
        if target is None:
            return
        other = await self._other_case(target, f"Link {target.ref} · {target.summary} to")
        if other is None:
            return
        ref = other["ref"]
        kind = await self.app.push_screen_wait(
            ChoicePrompt(
                f"{target.ref} is … {ref} · {other['summary']}",
                [
                    Choice("related", f"Related to {ref}", "Shown on both cases"),
                    Choice(
                        "duplicate-of",
                        f"A duplicate of {ref}",
                        f"{ref} shows it has a duplicate; merge (M) to fold it in",
                    ),
                    Choice("caused-by", f"Caused by {ref}", f"{ref} shows it caused this one"),
                ],
            )
        )
        if kind:
            label = f"Linked to {ref} ({kind})"
            self.run_use_case(target, label, _link, ref, kind)

    @work(group="prompts", exclusive=True)
    async def action_merge(self) -> None:
        """M: merge the selected case and another of the same client, either way round,
        after a confirmation naming both."""
        target = self._target()
        if target is None:
            return
        other = await self._other_case(target, f"Merge {target.ref} · {target.summary} with")
        if other is None:
            return
        ref = other["ref"]
        if target.client and other["client"] != target.client:  # refused before any question
            self.notify(
                f"{ref} is {other['client']}'s case and {target.ref} is {target.client}'s: only "
                "cases of one client merge. To connect them, link them (L).",
                title=f"Nothing done to {target.ref}",
                severity="error",
            )
            return
        way = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Which is the duplicate: {target.ref} or {ref}?",
                [
                    Choice("into", f"{target.ref} into {ref}", f"{target.ref} is the duplicate"),
                    Choice("from", f"{ref} into {target.ref}", f"{ref} is the duplicate"),
                ],
            )
        )
        if not way:
            return
        summaries = {target.ref: target.summary, ref: other["summary"]}
        duplicate, primary = (target.ref, ref) if way == "into" else (ref, target.ref)
        sure = await self.app.push_screen_wait(
            ConfirmPrompt(
                f"Merge {duplicate} into {primary}?",
                f"Duplicate {duplicate} · {summaries[duplicate]}\n"
                f"Primary {primary} · {summaries[primary]}\n"
                f"The timeline, messages, calls and attachments of {duplicate} move to "
                f"{primary} with their times; {duplicate} is closed with a pointer. "
                "A supervisor can undo it (case unmerge).",
                "Merge",
            )
        )
        if sure:
            label = f"Merged {duplicate} into {primary}"
            self.run_use_case(target, label, _merge, ref, int(other["version"]), way == "into")

    # -- bulk actions on marked rows -------------------------------------------------------------

    @work(group="prompts", exclusive=True)
    async def bulk(self, targets: list[Target]) -> None:
        """Ask what to do to ``targets``, then do it to each (its own version check)."""
        count = len(targets)
        what = await self.app.push_screen_wait(
            ChoicePrompt(f"Do what to the {count} marked cases?", BULK_CHOICES)
        )
        if not what:
            return
        me = self.desk_app.context.actor
        work_items: tuple[str, Callable[..., Any], tuple[Any, ...]]
        if what == "take":
            theirs = [t for t in targets if t.assignee not in (None, me)]
            if theirs:
                named = ", ".join(f"{t.ref} ({t.assignee})" for t in theirs[:4])
                more = f" and {len(theirs) - 4} more" if len(theirs) > 4 else ""
                sure = await self.app.push_screen_wait(
                    ConfirmPrompt(
                        f"Take the {count} marked cases?",
                        f"{len(theirs)} of them are someone else's: {named}{more}. "
                        "They become yours.",
                        "Take them",
                    )
                )
                if not sure:
                    return
            work_items = ("Assigned to you", case_service.assign, (me,))
        elif what == "assign":
            login = await self.app.push_screen_wait(
                ChoicePrompt(f"Assign the {count} marked cases to", await self._assignee_choices())
            )
            if login is None:
                return
            work_items = ("Assignee changed", case_service.assign, (login or None,))
        elif what == "status":
            status = await self.app.push_screen_wait(
                ChoicePrompt(f"Status of the {count} marked cases", STATUS_CHOICES)
            )
            if not status:
                return
            work_items = ("Status changed", case_service.set_status, (status,))
        elif what == "severity":
            severity = await self.app.push_screen_wait(
                ChoicePrompt(f"Severity of the {count} marked cases", severity_choices())
            )
            if not severity:
                return
            work_items = ("Severity changed", case_service.change_severity, (severity,))
        else:
            return
        label, function, args = work_items
        self._bulk_run(targets, label, function, args)

    def _bulk_run(
        self, targets: list[Target], label: str, function: Callable[..., Any], args: tuple[Any, ...]
    ) -> None:
        def run() -> None:
            ctx = self.desk_app.context
            done: list[str] = []
            refused: list[tuple[str, str]] = []
            emailed: list[str] = []
            not_emailed: list[str] = []
            for target in targets:
                try:
                    result = in_thread(
                        function, ctx, target.ref, *args, expected_version=target.version
                    )
                except UserError as error:
                    refused.append((target.ref, said(error)))
                    continue
                done.append(target.ref)
                delivery = getattr(result, "delivery", None)
                if delivery is not None:
                    (emailed if delivery.queued else not_emailed).append(target.ref)
            self.post_message(BulkFinished(label, done, refused, emailed, not_emailed))

        self.run_worker(run, thread=True, group="actions", exit_on_error=False)


def _log_call(ctx: Any, ref: str, notes: str, seconds: int, expected_version: int) -> Any:
    """Log a call that took place, whatever changed on the case meanwhile: a call is a fact
    about the past and decides nothing, so a colleague's note during a ten-minute call must not
    refuse it (and lose its notes and length). A closed case still refuses it."""
    return case_service.log_call_on_case(ctx, ref, notes, seconds)


def _link(ctx: Any, ref: str, other: str, kind: str, expected_version: int) -> Any:
    """Link ``ref`` to ``other`` (a link leaves both cases' versions alone)."""
    return related.link_cases(ctx, ref, other, kind)


def _merge(
    ctx: Any, ref: str, other: str, other_version: int, into: bool, expected_version: int
) -> Any:
    """Merge ``ref`` into ``other`` (``into``) or ``other`` into ``ref``; both versions are
    checked, as the user saw them."""
    if into:
        return related.merge_cases(ctx, ref, other, expected_version, other_version)
    return related.merge_cases(ctx, other, ref, other_version, expected_version)


#: What a bulk action can do to the queue's marked cases. Not "close": the queue lists open
#: cases only and only a resolved case closes, so it could do nothing but refuse every one.
BULK_CHOICES = [
    Choice("take", "Take them", "Assign every marked case to you"),
    Choice("assign", "Assign to…", "Pick someone (or unassign)"),
    Choice("status", "Status…", "Open, or waiting on the client"),
    Choice("severity", "Severity…", "Targets are recomputed for each case"),
]


def severity_choices() -> list[Choice]:
    """The four severities with the policy's descriptions."""
    return [Choice(s.value, s.value.capitalize(), SEVERITY_DESCRIPTIONS[s]) for s in Severity]


def finished_notice(message: ActionFinished) -> tuple[str, str | None, SeverityLevel, float]:
    """(text, title, severity, timeout) for the notification after an action."""
    kept = ""
    if message.unsaved is not None and (message.conflict or message.error):
        unsaved = message.unsaved
        kept = f" Your {unsaved.what} is kept: press {unsaved.key} on {message.target.ref} for it."
    if message.conflict:
        return (
            f"{message.target.ref} was changed by someone else; nothing of yours was saved. "
            f"The fresh state is shown — check it and try again.{kept}",
            "Conflict",
            "error",
            10,
        )
    if message.error:
        return f"{message.error}{kept}", f"Nothing saved on {message.target.ref}", "error", 10
    if message.warning:
        return f"{message.target.ref}: {message.message}", None, "warning", 12
    return f"{message.target.ref}: {message.message}", None, "information", 3


def bulk_notice(message: BulkFinished) -> tuple[str, SeverityLevel]:
    """The summary after a bulk action: how many were done, and each refusal with its reason."""
    lines = [f"{message.label}: {len(message.done)} done"]
    if message.emailed:
        lines[0] += f"; {len(message.emailed)} clients emailed"
    if message.not_emailed:
        shown = ", ".join(message.not_emailed[:6])
        more = f" and {len(message.not_emailed) - 6} more" if len(message.not_emailed) > 6 else ""
        lines.append(f"Not emailed (no email on file; call them): {shown}{more}")
    if message.refused:
        lines[0] += f", {len(message.refused)} refused"
        lines += [f"{ref}: {why}" for ref, why in message.refused[:6]]
        if len(message.refused) > 6:
            lines.append(f"…and {len(message.refused) - 6} more refused")
    warn = message.refused or message.not_emailed
    return "\n".join(lines), "warning" if warn else "information"
