"""The Textual console: the face agents keep open all day.

Only this package (and the CLI that launches it) imports Textual.
"""
