"""The answer log's SQLite file: opening and migrating it, reopening it when it was deleted or
replaced, one connection per thread, transactions, and retries while it is busy."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from index.log.errors import AnswerLogError, AnswerLogMissing, AnswerLogUnavailable
from index.log.schema import migrate

log = logging.getLogger("index.log.store")  # the answer log's one logger (the CLI prints it)
T = TypeVar("T")


class LogDatabase:
    """The log's file and its connections. Safe to share between threads: each thread gets its
    own connection. Every operation checks the file's identity (device, inode) and reopens the
    log when the file was deleted or replaced; with `create=False` a missing file raises."""

    def __init__(
        self,
        path: Path,
        *,
        create: bool,
        busy_timeout_ms: int,
        retries: int,
        retry_backoff_s: float,
    ) -> None:
        self.path = path
        self._create = create
        self._busy_timeout_ms = busy_timeout_ms
        self._retries = retries
        self._backoff = retry_backoff_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._state_lock = threading.RLock()
        self._closed = False
        self._generation = 0
        self._identity: tuple[int, int] | None = None

    @property
    def closed(self) -> bool:
        return self._closed

    # -- opening, reopening -------------------------------------------------------------------

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
        return (st.st_dev, st.st_ino)

    def ensure(self) -> None:
        """Open the log if it is not open, or reopen it if its file was deleted or replaced."""
        if self._closed:
            raise AnswerLogError("the answer log is closed")
        identity = self._stat()
        if identity is not None and identity == self._identity:
            return
        with self._state_lock:
            if identity is not None and identity == self._identity:
                return
            if self._identity is not None:
                what = "deleted" if identity is None else "replaced"
                log.warning("answer log %s was %s; reopening it", self.path, what)
            self._identity = None
            self._generation += 1  # every thread's connection to the old file is dropped
            if identity is None and not self._create:
                raise AnswerLogMissing(self.path)
            if self._create:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
            applied = self.retry(lambda: migrate(self.conn()))
            if applied:
                log.info("answer log %s: applied migrations %s", self.path, ", ".join(applied))
            self._identity = self._stat()

    # -- connections and transactions ---------------------------------------------------------

    def conn(self) -> sqlite3.Connection:
        if self._closed:
            raise AnswerLogError("the answer log is closed")
        entry: tuple[sqlite3.Connection, int] | None = getattr(self._local, "conn", None)
        if entry is not None:
            if entry[1] == self._generation:
                return entry[0]
            self._discard(entry[0])
            self._local.conn = None
        # Autocommit mode: every transaction below is begun and ended explicitly.
        conn = sqlite3.connect(
            self.path,
            timeout=self._busy_timeout_ms / 1000,
            isolation_level=None,
            check_same_thread=False,  # only so close() may close it from another thread
        )
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        self._local.conn = (conn, self._generation)
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    def _discard(self, conn: sqlite3.Connection) -> None:
        with self._connections_lock:
            if conn in self._connections:
                self._connections.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        conn = self.conn()
        # IMMEDIATE takes the write lock up front, so a busy database waits here, not mid-write.
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def retry(self, action: Callable[[], T]) -> T:
        for attempt in range(self._retries + 1):
            try:
                return action()
            except sqlite3.IntegrityError as exc:  # this record is refused; retrying won't help
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or attempt == self._retries:
                    raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
                log.warning("answer log busy (%s); retry %d", exc, attempt + 1)
                time.sleep(self._backoff * 2**attempt)
            except (sqlite3.ProgrammingError, sqlite3.InterfaceError) as exc:
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except sqlite3.DatabaseError as exc:  # not a database, malformed, I/O
                raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
            except sqlite3.Error as exc:
                raise AnswerLogError(f"answer log {self.path}: {exc}") from exc
            except OSError as exc:
                raise AnswerLogUnavailable(f"answer log {self.path}: {exc}") from exc
        raise AssertionError("unreachable")

    def write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        return self._run(action, write=True)

    def read(self, action: Callable[[sqlite3.Connection], T]) -> T:
        # One read transaction: every query sees the same snapshot.
        return self._run(action, write=False)

    def _run(self, action: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        def attempt() -> T:
            with self._transaction(write=write) as conn:
                return action(conn)

        self.ensure()
        return self.retry(attempt)

    def close(self) -> None:
        """Close every thread's connection; the log cannot be used after."""
        with self._connections_lock:
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
