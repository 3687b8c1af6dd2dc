"""The template language: named placeholders only, refused when unknown, no code, no files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wzdesk.core.errors import InvalidInput
from wzdesk.core.templates import check, placeholders, render


def test_placeholders_are_replaced_and_braces_escaped() -> None:
    text = "Hello {contact_name}, case {ref} ({{not a placeholder}})."
    assert placeholders(text) == ["contact_name", "ref"]
    assert render(text, {"contact_name": "Ana", "ref": "WZ-1001"}) == (
        "Hello Ana, case WZ-1001 ({not a placeholder})."
    )


def test_a_placeholder_may_have_spaces_inside_the_braces() -> None:
    assert render("{ ref }", {"ref": "WZ-1"}) == "WZ-1"


def test_unknown_placeholder_is_refused_naming_it_and_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        check("Dear {contact_nam}", {"contact_name", "ref"}, field="--body")
    assert caught.value.field == "--body"
    assert "{contact_nam}" in caught.value.message
    assert "{contact_name}, {ref}" in caught.value.message


def test_a_required_placeholder_must_stay() -> None:
    with pytest.raises(InvalidInput, match=r"must keep \{unsubscribe\}"):
        check("No way out", {"unsubscribe"}, required={"unsubscribe"})


@pytest.mark.parametrize(
    "text",
    [
        "{case.__class__}",  # attribute access (str.format would walk it)
        "{ref[0]}",  # indexing
        "{0}",  # positional
        "{__import__('os').system('id')}",
        "{% include '/etc/passwd' %}",  # another engine's syntax is not ours
        "{{ ref }",  # a literal brace, then a lone one
        "a lone { brace",
        "a lone } brace",
        "{Ref}",  # names are lower-case
    ],
)
def test_anything_but_a_plain_name_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check(text, {"ref", "case"})
    assert "line 1" in caught.value.message


def test_no_code_runs_and_no_file_is_read() -> None:
    # What would be an expression or an include elsewhere is just text here.
    text = "{{ 7 * 7 }} {{ open('/etc/passwd').read() }} {{% include '/etc/passwd' %}}"
    assert check(text, set()) == []
    assert (
        render(text, {}) == "{ 7 * 7 } { open('/etc/passwd').read() } {% include '/etc/passwd' %}"
    )


def test_values_are_inserted_as_they_are() -> None:
    # A value that looks like a placeholder is not rendered again.
    assert render("{message}", {"message": "{ref} and {{x}}"}) == "{ref} and {{x}}"


def test_rendering_needs_every_value() -> None:
    with pytest.raises(InvalidInput, match=r"no value for \{ref\}"):
        render("{ref}", {})


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_renders_as_itself(text: str) -> None:
    assert render(text, {}) == text


@given(st.text(max_size=100))
def test_doubled_braces_always_render_back_to_the_text(text: str) -> None:
    escaped = text.replace("{", "{{").replace("}", "}}")
    assert render(escaped, {}) == text
