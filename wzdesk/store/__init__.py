"""The store: Peewee models, opening the database, migrations and queries.

``db`` is a :class:`peewee.DatabaseProxy` bound by :func:`wzdesk.store.database.open_database`,
so models are declared once and serve SQLite and PostgreSQL alike.
"""
