"""The site's keys in SQL (`kb.store.site_keys`): made once, read by everyone.

Two processes that start at the same moment may both find no key: each tries
to insert its own, the database keeps the first (`ON CONFLICT DO NOTHING`, on
SQLite and PostgreSQL alike) and both read back that one.
"""

from __future__ import annotations

from sqlalchemy import select

from kb.store.schema import site_keys
from kb.store.site_keys import SIGNING, new_key
from kb.store.sql_base import SqlBase
from kb.store.sql_limits import upsert
from kb.validators import utc_now


class SqlSiteKeys(SqlBase):
    """The site-key part of `SqlStore`."""

    def site_key(self, name: str = SIGNING) -> str:
        query = select(site_keys.c.value).where(site_keys.c.name == name)
        with self._read("read the site's key") as conn:
            found = conn.execute(query).scalar()
        if found:
            return str(found)
        with self._write("keep the site's key") as conn:
            made = {"name": name, "value": new_key(), "created": utc_now()}
            conn.execute(upsert(conn)(site_keys).values(**made).on_conflict_do_nothing())
            return str(conn.execute(query).scalar_one())
