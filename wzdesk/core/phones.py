"""Phone numbers in one shape (E.164), so ``519-555-3105`` and ``+1 (519) 555-3105`` are the
same caller. Pure: :mod:`phonenumbers` is data and parsing, no I/O."""

from __future__ import annotations

from wzdesk.core.errors import InvalidInput

#: Where a number written without a country code is assumed to be (``WZDESK_PHONE_REGION``).
DEFAULT_REGION = "CA"


def to_e164(text: str, region: str = DEFAULT_REGION, field: str = "--phone") -> str:
    """``text`` as an E.164 number (``+15195553105``); an extension is kept as ``;ext=12``.

    Refuses (InvalidInput naming ``field``) what is not a valid number for its region.
    """
    import phonenumbers  # 40 ms of metadata: loaded when a number is typed, not by every command

    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            f"expected a phone number like +1 519 555 3105, got {text!r}", field=field
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"{text!r} is not a valid phone number (region {region.upper()}); "
            "give the country code, e.g. +44 20 7946 0958",
            field=field,
        )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164};ext={number.extension}" if number.extension else e164


def known_region(region: str) -> bool:
    """Whether ``region`` is a region code the phone rules know (``CA``, ``US``, ``GB``…)."""
    import phonenumbers

    return region.upper() in phonenumbers.SUPPORTED_REGIONS
