"""Ctrl-C latency in Python: a real SIGINT to a process solving OR-Library
pmed36 (time limit 300 s) after each given delay, and the seconds until it
raises KeyboardInterrupt. Uses the child of python/tests/test_interrupt.py.

    target/py-venv/bin/python benches/python_interrupt.py 0.3 2 6 10 14 20 30
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))

from test_interrupt import CHILD, interrupted


def latency(delay_s: float) -> float:
    with interrupted(CHILD, ROOT, delay_s) as (child, sent):
        line = child.stdout.readline().split()
        assert line and line[0] == "KeyboardInterrupt", line
        return float(line[1]) - sent


if __name__ == "__main__":
    for delay in [float(a) for a in sys.argv[1:]] or [0.3, 2.0, 14.0]:
        print(f"SIGINT after {delay:5.1f} s: KeyboardInterrupt {latency(delay):.3f} s later", flush=True)
