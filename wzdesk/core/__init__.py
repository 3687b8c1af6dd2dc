"""The pure domain core: business calendar, SLA engine, rules and value types.

Nothing here does I/O or imports Textual, Peewee or any other part of wzdesk, so every rule
can be tested (and benchmarked) as plain arithmetic.
"""
