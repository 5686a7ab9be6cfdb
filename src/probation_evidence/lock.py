"""One writer at a time: the update lock of a data folder.

Every path that changes ``data/`` (``add-quarter``, ``ingest-report --append`` and any later
one) reads, checks and writes its tables inside ``with data_lock(folder):``, and
:func:`probation_evidence.update.write_validated` refuses to write without it. Two updates
started at once therefore run one after the other: the second waits (saying so on stderr),
then reads the tables afresh, so it never adds its rows to a stale copy.

The lock is an operating-system lock (``fcntl.flock``) on the file ``.update.lock`` in the
data folder. The operating system releases it when its process ends, however it ends, so a
killed writer never blocks later updates. The file records who holds the lock (process id,
command, host, since when) for the messages of waiting writers, and is removed when the lock
is released; the validator ignores it (a dot-file, not a table) and git ignores it.

A writer waits at most ``timeout`` seconds: the ``timeout`` argument (the CLI's
``--lock-timeout``), else the ``PROBATION_EVIDENCE_LOCK_TIMEOUT`` environment variable, else
60 seconds. Then it raises :class:`LockTimeout` naming the lock file and its holder, having
read and written nothing.

Test-only: ``PROBATION_EVIDENCE_TEST_PAUSE=STAGE[:SECONDS]`` makes a writer stop at a named
point of its critical section (see :func:`pause_for_tests`) so that tests can kill it there.
Never set it in normal use.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import load

LOCK_NAME = ".update.lock"
TIMEOUT_ENV = "PROBATION_EVIDENCE_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 60.0
PAUSE_ENV = "PROBATION_EVIDENCE_TEST_PAUSE"
POLL_SECONDS = 0.05

# Data folders whose lock this process holds: folder -> [thread id, nesting depth].
_held: dict[Path, list[int]] = {}


class LockTimeout(Exception):
    """Another writer held the update lock for longer than the timeout; nothing was read or written."""

    def __init__(self, path: Path, timeout: float, holder: dict[str, Any] | None):
        self.path, self.timeout, self.holder = path, timeout, holder
        super().__init__(
            f"could not get the update lock {path} within {timeout:g} s: it is held by {describe(holder)}. "
            f"Nothing was written. Run the update again when that one has finished, or wait longer "
            f"with --lock-timeout SECONDS (or {TIMEOUT_ENV})."
        )


def lock_path(folder: str | os.PathLike | None = None) -> Path:
    return load.data_dir(folder) / LOCK_NAME


def resolve_timeout(timeout: float | None = None) -> float:
    """Seconds to wait for the lock: the argument, else $PROBATION_EVIDENCE_LOCK_TIMEOUT, else 60."""
    if timeout is None:
        text = os.environ.get(TIMEOUT_ENV, "").strip()
        if not text:
            return DEFAULT_TIMEOUT
        try:
            timeout = float(text)
        except ValueError:
            raise ValueError(f"{TIMEOUT_ENV}={text!r} is not a number of seconds") from None
    if not timeout >= 0:  # also rejects NaN
        raise ValueError(f"lock timeout must be zero or more seconds, not {timeout!r}")
    return float(timeout)


def read_holder(path: Path) -> dict[str, Any] | None:
    """What the holder wrote into the lock file, or None if it is absent or not written yet."""
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def describe(holder: dict[str, Any] | None) -> str:
    if not holder or "pid" not in holder:
        return "another process (not identified yet)"
    text = f"process {holder['pid']}"
    if holder.get("host") and holder["host"] != socket.gethostname():
        text += f" on {holder['host']}"
    details = [
        f"`{holder['command']}`" if holder.get("command") else "",
        f"holding it since {holder['since']}" if holder.get("since") else "",
    ]
    details = [d for d in details if d]
    return text + (f" ({', '.join(details)})" if details else "")


def is_held(folder: str | os.PathLike | None = None) -> bool:
    """True if the calling thread holds the update lock of ``folder``."""
    entry = _held.get(load.data_dir(folder))
    return entry is not None and entry[0] == threading.get_ident()


@contextmanager
def data_lock(folder: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[Path]:
    """Hold the update lock of the data folder for the duration of the block.

    Waits up to ``timeout`` seconds (see the module docstring), printing once to stderr which
    lock it waits for and who holds it. Nested use in the same thread is allowed (the inner
    block just runs), so update paths can be combined under one lock.
    """
    base = load.data_dir(folder)
    if is_held(base):
        _held[base][1] += 1
        try:
            yield base / LOCK_NAME
        finally:
            _held[base][1] -= 1
        return
    load.read_package(base)  # a missing folder or descriptor is reported as such, not as a lock-file error
    path = base / LOCK_NAME
    fd = _acquire(path, resolve_timeout(timeout))
    _held[base] = [threading.get_ident(), 1]
    try:
        yield path
    finally:
        del _held[base]
        try:
            os.unlink(path)  # still holding the lock: a waiter that then locks this file sees it is gone
        except FileNotFoundError:
            pass
        finally:
            os.close(fd)


def _acquire(path: Path, timeout: float) -> int:
    start = time.monotonic()
    announced = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    waited = time.monotonic() - start
                    if waited >= timeout:
                        raise LockTimeout(path, timeout, read_holder(path)) from None
                    if not announced:
                        print(
                            f"waiting for the update lock {path}: another update holds it, "
                            f"{describe(read_holder(path))}; waiting up to {timeout:g} s "
                            f"(--lock-timeout or {TIMEOUT_ENV})",
                            file=sys.stderr,
                            flush=True,
                        )
                        announced = True
                    time.sleep(POLL_SECONDS)
            # The previous holder removes the file as it releases the lock; a lock on a removed
            # file protects nothing, so only a lock on the file now at ``path`` counts.
            try:
                current = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                current = False
        except BaseException:
            os.close(fd)
            raise
        if current:
            break
        os.close(fd)
    holder = {
        "pid": os.getpid(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        "host": socket.gethostname(),
        "since": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(holder).encode("utf-8"))
    if announced:
        print(
            f"got the update lock {path} after {time.monotonic() - start:.1f} s; reading the tables afresh",
            file=sys.stderr,
            flush=True,
        )
    return fd


def pause_for_tests(stage: str) -> None:
    """Test-only hook: stop here if ``PROBATION_EVIDENCE_TEST_PAUSE`` names ``stage``.

    Stages: ``before-write`` (tables read, checked and validated, nothing renamed yet) and
    ``between-writes`` (after each rename but the last of a multi-table update). Announces the
    pause on stderr, then sleeps (60 s unless ``STAGE:SECONDS`` says otherwise) so that a test
    can kill the writer at that point.
    """
    name, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
    if name == stage:
        print(f"test pause at {stage} (pid {os.getpid()})", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 60))
