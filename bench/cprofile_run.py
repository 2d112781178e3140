"""Run a `liaison` command under cProfile, every thread with its own profiler timed by that thread's CPU clock
(``time.thread_time``), so waiting (sockets, locks, the database's answer) costs nothing and each function's time
is CPU time. The profile covers a window set by signals:

- SIGUSR1 clears every thread's profile (the window starts);
- SIGUSR2 writes the merged profile of all threads since then to ``PREFIX.N.prof`` (N = 1, 2, ... per window)
  and each thread group's CPU seconds to ``PREFIX.N.threads.json``.

    python bench/cprofile_run.py PREFIX -- worker --name w1

Used by `bench/dispatch.py --profile DIR`. cProfile slows every Python call (about 1.5-2x here), so profiled
milliseconds are larger than unprofiled ones: read the shares, and scale by the unprofiled CPU per message.
"""

from __future__ import annotations

import cProfile
import json
import re
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

_profiles: list[tuple[str, cProfile.Profile]] = []
_lock = threading.Lock()


def _register(name: str) -> cProfile.Profile:
    p = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append((name, p))
    return p


def _patch_threads() -> None:
    """Every thread started from now on profiles itself (``sys.setprofile`` is per thread)."""
    original = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]

    def bootstrap_inner(self: threading.Thread) -> None:
        p = _register(self.name)
        p.enable()
        try:
            original(self)
        finally:
            p.disable()

    threading.Thread._bootstrap_inner = bootstrap_inner  # type: ignore[attr-defined]


class _Snapshot:
    """What :class:`pstats.Stats` loads: a profile's statistics taken without disabling it (``create_stats``
    would, and only for the calling thread)."""

    def __init__(self, stats: dict[Any, Any]) -> None:
        self.stats = stats

    def create_stats(self) -> None:
        return None


def group(name: str) -> str:
    return re.sub(r"[_-]?\d+(_\d+)?$", "", name) or name


def main() -> None:
    import pstats

    args = sys.argv[1:]
    prefix = Path(args.pop(0))
    if args[:1] == ["--"]:
        args = args[1:]
    prefix.parent.mkdir(parents=True, exist_ok=True)
    windows = 0

    def start(_signum: int, _frame: object) -> None:
        with _lock:
            for _, p in _profiles:
                p.clear()  # safe while the thread runs: its open frames are simply not counted

    def write(_signum: int, _frame: object) -> None:
        nonlocal windows
        windows += 1
        merged = pstats.Stats()
        cpu: Counter[str] = Counter()
        with _lock:
            profiles = list(_profiles)
        for name, p in profiles:
            p.snapshot_stats()
            if not p.stats:
                continue
            cpu[group(name)] += sum(v[2] for v in p.stats.values())
            merged.add(_Snapshot(dict(p.stats)))
        merged.dump_stats(f"{prefix}.{windows}.prof")
        Path(f"{prefix}.{windows}.threads.json").write_text(json.dumps(dict(cpu), indent=1))

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, write)
    _patch_threads()
    main_profile = _register("main")
    sys.argv = ["liaison", *args]
    from liaison.cli import app

    main_profile.enable()
    try:
        app()
    except SystemExit:
        pass
    finally:
        main_profile.disable()


if __name__ == "__main__":
    main()
