"""Time ``negotiation_course.data.load`` for every table (a measurement, not a test).

Prints the import time, then per table the first load in this process (the schema is parsed
on the first call of all) and the best of five further loads, in milliseconds, and the maxima.
The course's target: after the first import, any table loads in well under 50 ms.

Run: ``.venv/bin/python scripts/bench_load.py``
"""

from __future__ import annotations

import time


def main() -> None:
    start = time.perf_counter()
    from negotiation_course import data

    print(f"import negotiation_course.data: {(time.perf_counter() - start) * 1000:.1f} ms")
    first_max = best_max = 0.0
    print(f"{'table':42s} {'rows':>5s} {'first ms':>9s} {'best ms':>8s}")
    for name in data.names():
        start = time.perf_counter()
        frame = data.load(name)
        first = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(5):
            start = time.perf_counter()
            data.load(name)
            times.append((time.perf_counter() - start) * 1000)
        best = min(times)
        first_max, best_max = max(first_max, first), max(best_max, best)
        print(f"{name:42s} {len(frame):5d} {first:9.2f} {best:8.2f}")
    print(f"max first load: {first_max:.2f} ms; max best load: {best_max:.2f} ms "
          f"(target: well under 50 ms; {50 / first_max:.0f}x headroom on the first load)")


if __name__ == "__main__":
    main()
