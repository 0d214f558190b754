"""Measure the course's JupyterHub on this machine (issue 13, item 7): measured, not asserted.

    sudo .venv/bin/python scripts/bench_hub.py [--learners 3] [--assignment lesson-01-why-negotiate]

Creates N throw-away learners and a grader (real Unix users, removed at the end), starts the
hub on free 127.0.0.1 ports, and prints:

- hub start: writing the share, the exchange and the grader's course, to the hub answering;
- one learner spawn: login form to the learner's JupyterLab answering (the first learner);
- memory per idle learner server: USS and RSS of each server's process tree (no kernel),
  after every learner has logged in;
- a full round for N learners: release, every learner fetches and submits the model answers
  of one lesson over the Assignments REST endpoints, collect, `make grade` as the grader,
  feedback written, released and handed to its owners, every learner fetches it.

Everything is stopped by pid and removed afterwards, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import pwd
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
import psutil  # noqa: E402

from negotiation_course.demo.cohort import fill  # noqa: E402
from negotiation_course.hub import round as hub_round  # noqa: E402
from negotiation_course.hub import serve  # noqa: E402
from negotiation_course.hub.accounts import Learner, create_accounts  # noqa: E402
from tests.support.hub_client import HubSession  # noqa: E402
from tests.support.unix_users import remove_users, require_root, unique  # noqa: E402

REFLECTION = ("A client once took the first offer because she feared losing it. I will ask "
              "every client which parts of an offer are open before they answer it.")


def model_answers(assignment: str) -> dict:
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", 4)
    release = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", 4)
    return json.loads(nbformat.writes(fill(source, release, "complete",
                                           random.Random(assignment), REFLECTION)))


def server_memory(user: str) -> tuple[float, float]:
    """(USS, RSS) in MB of every process the learner runs (their idle server)."""
    uss = rss = 0.0
    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] != user:
            continue
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        uss += info.uss / 2**20
        rss += info.rss / 2**20
    return uss, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=3)
    parser.add_argument("--assignment", default="lesson-01-why-negotiate")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    try:
        require_root()
    except BaseException:  # pytest.skip outside pytest
        print("bench_hub: run as root (it creates Unix users)", file=sys.stderr)
        return 1
    tag = unique("ncb")
    learners = [f"{tag}-{i}" for i in range(args.learners)]
    grader, group = f"{tag}-g", f"fg-{tag}"
    top = Path(tempfile.mkdtemp(prefix="nct-hub-bench-", dir="/tmp"))
    top.chmod(0o755)
    state, exchange = top / "state", top / "exchange"
    figures: dict[str, str] = {}
    try:
        passwords = top / "state-passwords.csv"
        create_accounts([Learner(n, f"Bench {n}", f"{n}@example.org") for n in learners],
                        tag, grader, passwords, group)
        secret = dict(line.split(",", 1) for line in passwords.read_text().splitlines())
        passwords.unlink()
        port = serve.free_base_port()
        started = time.monotonic()
        serve.start(state, top / "share", port, exchange, tag, grader, group)
        figures["hub start"] = f"{time.monotonic() - started:.1f} s"
        base = f"http://127.0.0.1:{port}"
        course = hub_round.default_course_dir(grader)

        sessions = []
        for n, name in enumerate(learners):
            session = HubSession(base, name)
            started = time.monotonic()
            session.login(secret[name])
            session.wait_for_server()
            if n == 0:
                figures["one learner spawn (login to JupyterLab answering)"] = \
                    f"{time.monotonic() - started:.1f} s"
            sessions.append(session)
        time.sleep(3)  # let the servers settle: idle, no kernel
        memory = [server_memory(name) for name in learners]
        figures["memory per idle learner server"] = (
            f"USS {statistics.mean(m[0] for m in memory):.0f} MB, "
            f"RSS {statistics.mean(m[1] for m in memory):.0f} MB (mean of {len(memory)})")

        answers = model_answers(args.assignment)
        round_start = time.monotonic()
        hub_round.release(grader, course)
        for session in sessions:
            session.action("fetch", tag, args.assignment)
            path = f"/api/contents/{args.assignment}/{args.assignment}.ipynb"
            session.put(path, json={"type": "notebook", "format": "json", "content": answers})
            assert session.action("submit", tag, args.assignment)["success"]
        submitted = time.monotonic()
        hub_round.collect(grader, course)
        collected = time.monotonic()
        hub_round.grade(grader, course, args.workers)
        graded = time.monotonic()
        hub_round.feedback(grader, course, exchange / tag, args.workers)
        for session in sessions:
            session.action("fetch_feedback", tag, args.assignment)
        done = time.monotonic()
        got = sum(bool(list((Path(pwd.getpwnam(n).pw_dir) / args.assignment / "feedback")
                            .glob("*/*.html"))) for n in learners)
        figures[f"full round, {len(learners)} learners, {args.assignment}"] = (
            f"{done - round_start:.1f} s (release + fetch + submit {submitted - round_start:.1f}"
            f", collect {collected - submitted:.1f}, make grade {graded - collected:.1f}, "
            f"feedback + fetch {done - graded:.1f}); feedback received by {got}/{len(learners)}")
    finally:
        started = time.monotonic()
        killed = serve.stop(state)
        figures["hub stop"] = f"{time.monotonic() - started:.1f} s" + (
            f" (had to kill {killed})" if killed else "")
        remove_users([*learners, grader], [group])
        shutil.rmtree(top, ignore_errors=True)
    cpus = psutil.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in psutil.getloadavg())
    print(f"JupyterHub benchmark ({cpus} CPUs, load average {load})")
    for what, value in figures.items():
        print(f"  {what}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
