"""The command-line face: subcommands for scripts (phone systems, cron, accounting exports).

It never imports Textual unless the console itself is asked for, so that a simple command such
as ``wzdesk sla due`` answers in well under 200 ms.
"""
