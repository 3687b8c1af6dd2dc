"""The email channel's parts that need no database: parsing, reading mail stores, composing
and delivering messages, the attachment store, and the settings from the environment.

The use cases that file mail on cases (and write the database) are in :mod:`wzdesk.services`.
Nothing here imports Textual.
"""
