"""Ctrl-C during a long call: a real SIGINT to a real process solving a real
instance raises KeyboardInterrupt promptly, rather than once the solve ends."""

import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

# Solves maximal coverage on pmed36's distances (800 x 800, radius 15, 10 sites:
# about 36 s of HiGHS's branch-and-bound on the 2-core machine kind; its
# p-median now takes 10 s, too short for the 14 s case) with a limit far beyond
# the test, so that only an interrupt ends it early; then solves again, which
# must run normally (the stop flag is cleared once the interrupted call stopped,
# and a call started before then waits for it).
# A shell without job control starts background jobs with SIGINT ignored, and
# Python installs no KeyboardInterrupt handler for a signal ignored at start:
# each child installs it itself, whatever this process was started with.
RESTORE_SIGINT = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)"

CHILD = (
    RESTORE_SIGINT
    + """
import sys, time
sys.path.insert(0, {tests!r})
from orlib_data import orlib_costs
import lifecircle

cost, p = orlib_costs({instance!r})
model = lifecircle.MCLP.from_cost_matrix(cost, service_radius=15, p_facilities=10)
print("solving", flush=True)
try:
    model.solve(time_limit=300)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt", time.monotonic(), flush=True)
print(lifecircle.PMedian.from_cost_matrix([[0.0, 1.0], [1.0, 0.0]]).solve().status, flush=True)
"""
)


@contextmanager
def interrupted(template: str, root: Path, delay_s: float):
    """A child running `template` on pmed36, sent a real SIGINT `delay_s` after it
    says "solving"; yields the child and the time the signal was sent."""
    tests, instance = root / "python" / "tests", root / "data" / "orlib" / "pmed36.txt"
    source = template.format(tests=str(tests), instance=str(instance))
    with subprocess.Popen(
        [sys.executable, "-c", source], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout.readline().strip() == "solving"
            time.sleep(delay_s)
            child.send_signal(signal.SIGINT)
            yield child, time.monotonic()
        finally:
            if child.poll() is None:
                child.kill()


# 0.3 s: Ctrl-C in the early phases (presolve, heuristic, Lagrangian); 2 s and
# 14 s: in HiGHS's branch-and-bound, whose LPs do not poll (an LP once heard
# Ctrl-C some 55 s late): such a call is left to end by itself and the
# KeyboardInterrupt raised at once.
@pytest.mark.parametrize("delay_s", [0.3, 2.0, 14.0])
def test_ctrl_c_stops_a_long_solve_with_keyboard_interrupt(root, delay_s):
    with interrupted(CHILD, root, delay_s) as (child, sent):
        # The second solve waits for an abandoned one to finish its LP.
        out, err = child.communicate(timeout=150)
    lines = out.split("\n")
    assert child.returncode == 0 and lines[0].startswith("KeyboardInterrupt "), (out, err)
    assert lines[1] == "optimal", (out, err)
    latency = float(lines[0].split()[1]) - sent
    # The issue asks for 1 s; the bound leaves room for a loaded 2-core machine
    # and still fails a call that ignores Ctrl-C (it would run for 300 s).
    assert latency < 5.0, f"KeyboardInterrupt {latency:.2f} s after Ctrl-C"


# Two solves at once, on the main thread and on another one.
THREADS = (
    RESTORE_SIGINT
    + """
import sys, threading, time
sys.path.insert(0, {tests!r})
from orlib_data import orlib_costs
import lifecircle

cost, p = orlib_costs({instance!r})
model = lifecircle.PMedian.from_cost_matrix(cost, p_facilities=p)
outcome = {{}}

def solve(where):
    try:
        model.solve(time_limit=300)
        outcome[where] = "finished"
    except KeyboardInterrupt:
        outcome[where] = "KeyboardInterrupt"

other = threading.Thread(target=solve, args=("thread",))
other.start()
print("solving", flush=True)
solve("main")
other.join()
print(outcome["main"], outcome["thread"], flush=True)
"""
)


def test_ctrl_c_stops_the_solves_of_other_threads_too(root):
    # The stop flag is process-wide, and cleared by the last call to stop, not the first.
    with interrupted(THREADS, root, 1.0) as (child, _):
        out, err = child.communicate(timeout=60)
    assert out.split() == ["KeyboardInterrupt", "KeyboardInterrupt"], (out, err)
