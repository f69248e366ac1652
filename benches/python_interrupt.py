"""Ctrl-C latency in Python: a real SIGINT to a process solving OR-Library
pmed36 (time limit 300 s) after each given delay, and the seconds until it
raises KeyboardInterrupt. Uses the child of python/tests/test_interrupt.py.

    target/py-venv/bin/python benches/python_interrupt.py 0.3 2 6 10 14 20 30
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "python" / "tests"
sys.path.insert(0, str(TESTS))

from test_interrupt import CHILD


def latency(delay_s: float) -> float:
    source = CHILD.format(tests=str(TESTS), instance=str(ROOT / "data/orlib/pmed36.txt"))
    with subprocess.Popen(
        [sys.executable, "-c", source], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout.readline().strip() == "solving"
            time.sleep(delay_s)
            child.send_signal(signal.SIGINT)
            sent = time.monotonic()
            line = child.stdout.readline().split()
            assert line and line[0] == "KeyboardInterrupt", line
            return float(line[1]) - sent
        finally:
            child.kill()


if __name__ == "__main__":
    for delay in [float(a) for a in sys.argv[1:]] or [0.3, 2.0, 14.0]:
        print(f"SIGINT after {delay:5.1f} s: KeyboardInterrupt {latency(delay):.3f} s later", flush=True)
