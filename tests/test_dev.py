"""`dev.py`, the script that sets the project up and runs it, on real processes."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

DEV_SCRIPT = Path(__file__).resolve().parent.parent / "dev.py"

# Stands for `mkdocs serve`: says who it is, then serves until stopped.
SERVER = "import os, sys, time; print(os.getpid(), os.getcwd(), flush=True); time.sleep(600)"

# dev.py as `python3 dev.py serve` ends: handing over to the server.
DEV_HANDING_OVER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("dev", sys.argv[1])
dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dev)
dev.hand_over(sys.executable, "-c", sys.argv[2])
"""

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev", DEV_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for a parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


@pytest.fixture
def started() -> Iterator[list[int]]:
    """Process ids the test starts; any still running at the end is stopped."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_stopping_dev_py_by_its_pid_stops_the_server(stop, started):
    with subprocess.Popen(
        [sys.executable, "-c", DEV_HANDING_OVER, str(DEV_SCRIPT), SERVER],
        stdout=subprocess.PIPE,
        text=True,
    ) as dev:
        started.append(dev.pid)
        assert dev.stdout is not None
        assert dev.stdout.readline().startswith("+ ")
        server_pid, server_cwd = dev.stdout.readline().split(maxsplit=1)
        started.append(int(server_pid))
        assert server_cwd.strip() == str(DEV_SCRIPT.parent)  # run in the project, as before
        assert alive(int(server_pid))
        dev.send_signal(stop)
        assert dev.wait(timeout=60) != 0
    # Nothing of what `dev.py serve` started keeps running (and holding the port).
    deadline = time.monotonic() + 30
    while alive(int(server_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(int(server_pid))


def test_handing_over_ends_with_the_commands_status(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", DEV_HANDING_OVER, str(DEV_SCRIPT), "import sys; sys.exit(3)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3, done.stderr


def test_a_command_that_cannot_be_run_is_a_message(tmp_path, monkeypatch):
    dev = load_dev()
    missing = tmp_path / "no-such-program"
    monkeypatch.chdir(tmp_path)  # handing over moves into the project first
    with pytest.raises(SystemExit) as ended:
        dev.hand_over(missing)
    assert str(ended.value) == f"{missing} cannot be run: No such file or directory"
