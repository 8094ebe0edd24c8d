#!/usr/bin/env python3
"""Set up the project in `.venv` and run it: `python3 dev.py serve` or `python3 dev.py test`.

Needs only Python 3.10+ and git. `test` also installs Debian's Chromium for the browser tests
when it runs as root (as CI does) and the browser is missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM = Path("/usr/bin/chromium")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def hand_over(*args: str | Path) -> NoReturn:
    """Become the last command: run it in this very process, in ROOT, and end with its status.

    Whoever stops this script by its process id (SIGTERM, SIGHUP, Ctrl-C) then stops the
    command itself: a child run by `run` would outlive a parent killed that way, and keep its
    port. Windows has no exec that keeps the process, so there the command runs as a child.
    """
    command = [str(a) for a in args]
    print("+", " ".join(command), flush=True)
    sys.stderr.flush()
    if os.name == "nt":
        sys.exit(subprocess.run(command, check=False, cwd=ROOT).returncode)
    os.chdir(ROOT)
    try:
        os.execv(command[0], command)
    except OSError as exc:
        sys.exit(f"{command[0]} cannot be run: {exc.strerror}")


def setup(extra: str) -> None:
    """Create `.venv` and install the project (with `extra`) when pyproject.toml changed."""
    if not PYTHON.exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    stamp = VENV / f".installed-{extra or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        target = f".[{extra}]" if extra else "."
        run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
        stamp.write_text(digest)


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests, when this is possible here."""
    if CHROMIUM.exists():
        return
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", env=env)
    elif os.environ.get("CI"):
        sys.exit(
            "CI needs /usr/bin/chromium for the browser tests; run as root so it can be installed."
        )
    else:
        print("Chromium is not installed: browser tests will be skipped.", flush=True)


def serve(args: list[str]) -> None:
    setup("")
    hand_over(BIN / "mkdocs", "serve", "-f", ROOT / "example_site" / "mkdocs.yml", *args)


def test(args: list[str]) -> None:
    setup("test")
    ensure_chromium()
    code = [p for p in ("mkdocs_platform", "tests", "benchmarks", "dev.py") if (ROOT / p).exists()]
    run(BIN / "ruff", "check", *code)
    run(BIN / "ruff", "format", "--check", *code)
    run(BIN / "mypy")
    hand_over(BIN / "pytest", *args)


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 dev.py serve [mkdocs serve options] | test [pytest options]")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
