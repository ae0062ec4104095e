"""Where the duplicate index persists between runs: nowhere, an SQLite file, or Redis via datasketch.

Each store keeps one record per file (see `FileRecord`) in the order files were
first seen, and writes a file's record in one transaction: a run killed in
the middle leaves every file either wholly indexed or not at all, and the
next run simply goes on. Records are flat arrays, never pickles, so a shared
store cannot run code on whoever reads it.

The parameters that shape the records (shingle size, bands, rows, ...) are
stored beside them: an index built with other settings is refused, never
silently mixed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .dedup_index import FileRecord, StoreError

__all__ = ["MemoryStore", "RedisStore", "SqliteStore", "Store", "StoreError"]


class Store(Protocol):
    def load(self, params: dict) -> Iterator[FileRecord]:
        """The stored records in first-seen order, after checking `params` (or storing them, when new)."""

    def save(self, record: FileRecord) -> None:
        """Replace the file's record, atomically."""


class MemoryStore:
    """No persistence: the index lives as long as the stage."""

    def load(self, params: dict) -> Iterator[FileRecord]:
        return iter(())

    def save(self, record: FileRecord) -> None:
        pass


class SqliteStore:
    """An SQLite file (the embedded default): one row per file, replaced in one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True)
            # A folder made for the index (.cleaner/ in a corpus repository) tells git to ignore it: committed,
            # the index would change with every hook run, and pre-commit would call that a modified file.
            (self.path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)  # transactions are explicit below
            self.db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; a crash rolls back
            self.db.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint, atomic always (WAL)
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS files (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                            " name TEXT UNIQUE NOT NULL, data BLOB NOT NULL)")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable dedup index: {exc}") from None

    def load(self, params: dict) -> Iterator[FileRecord]:
        wanted = json.dumps(params, sort_keys=True)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        if row is None:
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('params', ?)", (wanted,))
        elif row[0] != wanted:
            raise StoreError(f"{self.path}: built with other dedup settings ({row[0]}); use those or start a new index")
        for name, data in self.db.execute("SELECT name, data FROM files ORDER BY seq"):
            yield FileRecord.from_bytes(name, data)

    def save(self, record: FileRecord) -> None:
        with self.db:  # noqa: SIM117 - BEGIN ... COMMIT, or ROLLBACK on any error
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO files (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data",
                            (record.name, record.to_bytes()))
            self.db.execute("COMMIT")

    def save_all(self, records: list[FileRecord]) -> None:
        """`save` each record in turn, in one transaction: each is still whole or absent."""
        with self.db:  # noqa: SIM117 - BEGIN ... COMMIT, or ROLLBACK on any error
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT INTO files (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data",
                                [(record.name, record.to_bytes()) for record in records])
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()


class RedisStore:
    """A Redis server shared by a team, through datasketch's Redis storage (needs the `[redis]` extra).

    A list keeps the file names in first-seen order; each file's record is a one-item list.
    A file's replacement goes through datasketch's buffer, a Redis MULTI/EXEC transaction.
    """

    def __init__(self, url: str, prefix: str = "cleaner") -> None:
        try:
            import redis  # noqa: F401 - datasketch needs it for its Redis storage
            from datasketch.storage import ordered_storage
        except ImportError:
            raise StoreError("the redis dedup index needs the redis package: pip install 'cleaner-corpus[redis]'") from None
        from urllib.parse import urlparse

        parts = urlparse(url)
        if parts.scheme != "redis":
            raise StoreError(f"dedup_redis_url must look like redis://host:port/db, not {url!r}")
        config = {"type": "redis", "redis": {"host": parts.hostname or "localhost", "port": parts.port or 6379,
                                            "db": int(parts.path.strip("/") or 0)},
                  "redis_buffer": {"transaction": True}}
        self.storage = ordered_storage(config, name=f"{prefix}:".encode())

    def load(self, params: dict) -> Iterator[FileRecord]:
        import redis

        wanted = json.dumps(params, sort_keys=True).encode()
        try:
            stored = self.storage.get(b"params")
            if not stored:
                self.storage.insert(b"params", wanted)
            elif stored[0] != wanted:
                raise StoreError(f"redis index built with other dedup settings ({stored[0].decode()})")
            names = self.storage.get(b"order")
            records = [(name, self.storage.get(b"file:" + name)) for name in names]
        except redis.exceptions.RedisError as exc:
            raise StoreError(f"cannot reach the redis dedup index: {exc}") from None
        for name, data in records:
            if data:
                yield FileRecord.from_bytes(name.decode(), data[0])

    def save(self, record: FileRecord) -> None:
        import redis

        key = b"file:" + record.name.encode()
        try:
            known = bool(self.storage.get(key))
            self.storage.remove(key, buffer=True)
            self.storage.insert(key, record.to_bytes(), buffer=True)
            if not known:
                self.storage.insert(b"order", record.name.encode(), buffer=True)
            self.storage.empty_buffer()  # MULTI ... EXEC: all of it or none
        except redis.exceptions.RedisError as exc:
            # The run stops here: going on would index later files in memory only. Outputs so far are complete.
            raise StoreError(f"lost the redis dedup index while saving {record.name}: {exc}; "
                             "finish with the same command and --resume once it is back") from None

    def close(self) -> None:
        pass
