"""Statements compiled to SQL once and run many times, for bulk work such as the mail import.

Peewee builds a statement's SQL from its expression tree on every execution: about 150 µs for
an INSERT here, twenty times what SQLite then takes to run it. An import runs the same few
statements for every message, so these classes let Peewee compile each one once per database
and keep the text. They check themselves: the first time, the parameters Peewee produced must
be exactly the ones we would pass (same values, same order); if not, nothing is cached and the
statement runs through Peewee every time, slower but right.
"""

from __future__ import annotations

from typing import Any, cast
from weakref import WeakKeyDictionary

import peewee

from wzdesk.store.database import db


class PreparedInsert:
    """``INSERT INTO <model> (<every column>) VALUES (…) RETURNING id``; call it with values."""

    def __init__(self, model: type[peewee.Model], *names: str) -> None:
        key = cast(peewee.Field, model._meta.primary_key)  # every model here has one
        missing = set(model._meta.fields) - set(names) - {key.name}
        if missing:  # Peewee would add their defaults, and our parameters would not match
            raise ValueError(f"{model.__name__}: give every column; missing {sorted(missing)}")
        self.model = model
        self.fields = [model._meta.fields[name] for name in names]
        self._sql: WeakKeyDictionary[peewee.Database, str | None] = WeakKeyDictionary()

    def __call__(self, **values: Any) -> int:
        """Insert one row; return its id."""
        database = db.obj
        params = [field.db_value(values[field.name]) for field in self.fields]
        if database not in self._sql:
            query = self.model.insert({f: values[f.name] for f in self.fields})
            compiled, compiled_params = query.returning(self.model._meta.primary_key).sql()
            self._sql[database] = compiled if compiled_params == params else None
        sql = self._sql[database]
        if sql is None:
            return int(self.model.insert({f: values[f.name] for f in self.fields}).execute())
        return int(database.execute_sql(sql, params).fetchall()[0][0])


class PreparedLookup:
    """``SELECT <column> FROM <model> WHERE <key> = ? LIMIT 1``: the column's value, or
    ``None`` when no row matches (and when the column is NULL)."""

    def __init__(self, column: peewee.Field, key: peewee.Field) -> None:
        self.column, self.key = column, key
        self._sql: WeakKeyDictionary[peewee.Database, str | None] = WeakKeyDictionary()

    def _query(self, value: Any) -> peewee.ModelSelect[Any]:
        query: peewee.ModelSelect[Any] = self.key.model.select(self.column)
        return query.where(self.key == value).limit(1)

    def __call__(self, value: Any) -> Any:
        database = db.obj
        params = [self.key.db_value(value), 1]
        if database not in self._sql:
            compiled, compiled_params = self._query(value).sql()
            self._sql[database] = compiled if compiled_params == params else None
        sql = self._sql[database]
        if sql is None:
            return self._query(value).scalar()
        rows = database.execute_sql(sql, params).fetchall()
        return self.column.python_value(rows[0][0]) if rows else None


class PreparedGet:
    """``SELECT * FROM <model> WHERE id = ?``: a model instance, or ``None``."""

    def __init__(self, model: type[peewee.Model]) -> None:
        self.model = model
        self._sql: WeakKeyDictionary[peewee.Database, str | None] = WeakKeyDictionary()

    def _query(self, key: Any) -> peewee.ModelSelect:
        return self.model.select().where(self.model._meta.primary_key == key)

    def __call__(self, key: int) -> Any:
        database = db.obj
        if database not in self._sql:
            compiled, compiled_params = self._query(key).sql()
            self._sql[database] = compiled if compiled_params == [key] else None
        sql = self._sql[database]
        if sql is None:
            return self._query(key).first()
        rows = list(self.model.raw(sql, key))  # Peewee turns the row into a model as usual
        return rows[0] if rows else None
