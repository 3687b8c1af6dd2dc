"""Link and merge from the console (L, M): the prompts name both cases, a wrong reference is
said and nothing happens, the merge goes either way round and shows on the case detail; and
the contact edit form sends only what changed."""

from __future__ import annotations

from typing import Any

from tests.conftest import new_case
from tests.tui.helpers import (
    detail_ref,
    detail_text,
    highlighted,
    notifications,
    prompt_title,
    queue,
    settle,
)
from wzdesk.store.models import Case, CaseLink
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ChoicePrompt, ConfirmPrompt


async def _ready(pilot: Any) -> str:
    await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
    ref = highlighted(pilot)
    assert ref is not None
    return ref


async def test_a_wrong_reference_is_said_and_nothing_is_linked(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        ref = await _ready(pilot)
        await pilot.press("L")
        await settle(pilot, lambda: f"Link {ref}" in prompt_title(pilot))
        await pilot.press(*"WZ-9999", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot, lambda: any("WZ-9999" in n for n in notifications(pilot)))
        await pilot.press("L")
        await settle(pilot, lambda: f"Link {ref}" in prompt_title(pilot))
        await pilot.press(*ref, "enter")  # itself
        await settle(pilot, lambda: any(f"That is {ref} itself" in n for n in notifications(pilot)))
        assert CaseLink.select().count() == 0


async def test_merge_the_other_case_into_the_selected_one(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        ref = await _ready(pilot)
        other = desk["major"] if ref != desk["major"] else desk["minor"]
        await pilot.press("M")
        await settle(pilot, lambda: f"Merge {ref}" in prompt_title(pilot))
        await pilot.press(*other, "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        assert prompt_title(pilot) == f"Which is the duplicate: {ref} or {other}?"
        await pilot.press("2")  # the other one is the duplicate
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        assert prompt_title(pilot) == f"Merge {other} into {ref}?"
        await pilot.press("n")  # not yet: nothing happens
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert Case.get(Case.ref == other).merged_into is None
        await pilot.press("M")
        await settle(pilot, lambda: f"Merge {ref}" in prompt_title(pilot))
        await pilot.press(*other, "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        await pilot.press("2")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: f"{ref}: Merged {other} into {ref}" in notifications(pilot))
        assert Case.get(Case.ref == other).merged_into.ref == ref
        assert Case.get(Case.ref == ref).is_open
        await settle(pilot, lambda: other in detail_text(pilot))  # "merged from" on the detail


async def test_merge_is_refused_on_a_closed_case(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await _ready(pilot)
        Case.update(status="closed", is_open=False).where(Case.ref == desk["resolved"]).execute()
        pilot.app.show_case(desk["resolved"])
        await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
        await pilot.press("M")
        await settle(
            pilot, lambda: any("a closed case cannot be merged" in n for n in notifications(pilot))
        )
        assert isinstance(pilot.app.screen, MainScreen)


async def test_a_merge_across_clients_is_refused_before_any_question(
    desk: dict[str, str], supervisor: Any, agent: Any, make_app: Any
) -> None:
    """Seen in tmux: the console asked which was the duplicate and to confirm, then said
    "Could not: merged wz-1115 into wz-1032" (a merge that did not happen, in the past tense)
    above "--into: … belong to different clients"."""
    from wzdesk.services import cases
    from wzdesk.services.directory import add_client, add_contact

    add_client(supervisor, "BETA", "Beta Mills")
    add_contact(supervisor, "BETA", "Bo Lind", "bo@beta.example", admin_rank="primary")
    beta = cases.open_case(
        supervisor, new_case(client="BETA", contact="bo@beta.example", summary="Beta's own")
    ).ref
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 7 and detail_ref(pilot))
        ref = highlighted(pilot)
        assert ref is not None and ref != beta
        await pilot.press("M")
        await settle(pilot, lambda: f"Merge {ref}" in prompt_title(pilot))
        await pilot.press(*beta, "enter")
        await settle(
            pilot, lambda: any("only cases of one client" in n for n in notifications(pilot))
        )
        assert isinstance(pilot.app.screen, MainScreen)  # no "which is the duplicate?"
        said = " ".join(notifications(pilot))
        assert f"{beta} is BETA's case and {ref} is ACME's" in said
        assert "merged" not in said.lower() and "--into" not in said
        assert Case.get(Case.ref == ref).merged_into is None
        assert Case.get(Case.ref == beta).merged_into is None


def test_the_edit_form_sends_only_what_changed() -> None:
    from wzdesk.tui.screens.contact_form import edit_changes

    card = {
        "name": "Ana Diaz",
        "email": "ana@acme.example",
        "phone": None,
        "is_admin": True,
        "rank": "primary",
    }
    same = {"name": "Ana Diaz", "email": "ana@acme.example", "phone": "", "is_admin": True}
    assert edit_changes(card, {**same, "rank": "primary"}) == {}
    assert edit_changes(card, {**same, "rank": "", "email": ""}) == {
        "email": None,
        "admin_rank": None,
    }
    assert edit_changes(card, {**same, "rank": "", "is_admin": False, "phone": "519 555 3105"}) == {
        "phone": "519 555 3105",
        "admin_rank": None,
        "is_admin": False,
    }
