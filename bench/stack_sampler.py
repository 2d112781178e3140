"""Run a `liaison` command while sampling every thread's stack (a poor man's py-spy), then write where the
threads spent their wall-clock time: per thread group, the functions most often on the stack.

    python bench/stack_sampler.py OUT.txt [--interval-ms 5] -- serve --port 8000

Used by `bench/dispatch.py --profile` to see where a delivery's time goes in the server and the worker.
Sampling costs a little CPU (one more thread taking the GIL every few milliseconds), so profiled figures are
slightly worse than unprofiled ones.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType


def group(name: str) -> str:
    return re.sub(r"[_-]?\d+(_\d+)?$", "", name) or name


class Sampler:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.inclusive: dict[str, Counter[str]] = defaultdict(Counter)
        self.leaf: dict[str, Counter[str]] = defaultdict(Counter)
        self.samples: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="stack-sampler", daemon=True)

    @staticmethod
    def where(frame: FrameType, line: bool = False) -> str:
        code = frame.f_code
        short = code.co_filename.split("site-packages/")[-1].split("/src/")[-1].split("/lib/python3.11/")[-1]
        return f"{short}:{code.co_name}" + (f":{frame.f_lineno}" if line else "")

    def run(self) -> None:
        me = threading.get_ident()
        while not self.stopping.is_set():
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                g = group(names.get(ident, "?"))
                self.samples[g] += 1
                seen: set[str] = set()
                f: FrameType | None = frame
                first = True
                while f is not None:
                    w = self.where(f)
                    if first:
                        self.leaf[g][self.where(f, line=True)] += 1
                        first = False
                    if w not in seen:
                        self.inclusive[g][w] += 1
                        seen.add(w)
                    f = f.f_back
            time.sleep(self.interval)

    def report(self, out: Path, top: int = 40) -> None:
        lines = []
        for g, n in self.samples.most_common():
            lines.append(f"== thread group {g!r}: {n} samples ({n * self.interval:.1f} s of wall time)")
            lines.append("   on the stack (inclusive):")
            for w, c in self.inclusive[g].most_common(top):
                lines.append(f"   {c / n:6.1%}  {w}")
            lines.append("   innermost frame:")
            for w, c in self.leaf[g].most_common(15):
                lines.append(f"   {c / n:6.1%}  {w}")
            lines.append("")
        out.write_text("\n".join(lines))


def main() -> None:
    args = sys.argv[1:]
    out = Path(args.pop(0))
    interval = 0.005
    if args[:1] == ["--interval-ms"]:
        interval = float(args[1]) / 1000
        args = args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    sampler = Sampler(interval)
    sampler.thread.start()

    def on_term(_signum: int, _frame: object) -> None:
        raise SystemExit(0)  # uvicorn re-raises SIGTERM after its shutdown: end here, writing the report

    signal.signal(signal.SIGTERM, on_term)
    sys.argv = ["liaison", *args]
    from liaison.cli import app

    try:
        app()
    except SystemExit:
        pass
    finally:
        sampler.stopping.set()
        sampler.thread.join()
        sampler.report(out)


if __name__ == "__main__":
    main()
