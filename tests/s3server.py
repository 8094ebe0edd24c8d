"""A real S3-compatible server on 127.0.0.1 for the tests: moto's standalone server.

The server runs in its own process and speaks HTTP, so the code under test goes through
fsspec, s3fs and botocore exactly as it would against a real bucket. A test module uses the
fixtures by importing them; pytest finds them under the names `s3_server` and `s3_bucket`,
and the functions carry other names so that a test's `s3_bucket` argument does not shadow
the import:

    from .s3server import s3_bucket_fixture, s3_server_fixture  # noqa: F401
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import free_port

if TYPE_CHECKING:
    import s3fs

ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"
REGION = "us-east-1"
STARTUP_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0
LOG_TAIL_CHARACTERS = 4000
REQUIRED_MODULES = ("moto.server", "s3fs")
"""What the fixtures import: the server (moto with its `server` extra) and the S3 client."""


@dataclass(frozen=True)
class S3Server:
    """A running moto server."""

    endpoint_url: str
    log_path: Path
    admin: s3fs.S3FileSystem = field(repr=False)
    """A client with its own keys, outside fsspec's instance cache, that makes the buckets.

    Made once: building a botocore client costs seconds on a busy machine.
    """


@dataclass(frozen=True)
class S3Bucket:
    """An empty bucket made for one test, reached the way the product reaches S3."""

    name: str
    endpoint_url: str
    url: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", f"s3://{self.name}/")

    @property
    def storage_options(self) -> dict[str, str]:
        """Options for `fsspec.open`/`fsspec.filesystem`; credentials come from the environment.

        A new dict each time, so a test that adds an option cannot leak it into another.
        """
        return {"endpoint_url": self.endpoint_url}


def _require_s3_modules() -> None:
    """Skip when the S3 test packages are missing, except in CI, where they must be there."""
    missing = []
    for module in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            # find_spec imports the parent package, which may itself be missing.
            found = False
        if not found:
            missing.append(module)
    if not missing:
        return
    reason = f"S3 tests need {', '.join(missing)}: install the test extra (moto[server] and s3fs)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide them. {reason}", pytrace=False)
    pytest.skip(reason)


def _log_tail(log_path: Path) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"(log unreadable: {error})"
    return text[-LOG_TAIL_CHARACTERS:] or "(log empty)"


def _answers_http(url: str) -> bool:
    # A proxy from the environment must not stand between the test and a local server.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        # Any HTTP status, even an error, means the server is up and parsing requests.
        return True
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"moto server exited with status {process.returncode} before answering "
                f"at {url}; log {log_path}:\n{_log_tail(log_path)}",
                pytrace=False,
            )
        if _answers_http(url):
            return
        time.sleep(0.1)
    pytest.fail(
        f"moto server did not answer at {url} within {STARTUP_TIMEOUT_SECONDS:.0f} s; "
        f"log {log_path}:\n{_log_tail(log_path)}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session", name="s3_server")
def s3_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Start moto's server on a free local port for the session and stop it afterwards."""
    _require_s3_modules()
    port = free_port()
    endpoint_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto-server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "--host", "127.0.0.1", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_answering(process, endpoint_url + "/", log_path)
            import s3fs

            admin = s3fs.S3FileSystem(
                endpoint_url=endpoint_url,
                key=ACCESS_KEY_ID,
                secret=SECRET_ACCESS_KEY,
                skip_instance_cache=True,
            )
            yield S3Server(endpoint_url=endpoint_url, log_path=log_path, admin=admin)
        finally:
            _stop(process)


def _clear_s3fs_instances() -> None:
    import s3fs

    # fsspec keeps one filesystem per set of options, with its listing cache; a test must not
    # see another test's listings or a client bound to a previous test's environment.
    s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture(name="s3_bucket")
def s3_bucket_fixture(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Bucket]:
    """Make a fresh, uniquely named bucket; credentials are set in the environment only."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # Anything else botocore reads from the machine could override or confuse the test
    # credentials: a named profile, a session token, a global endpoint, the user's files.
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)
    missing_files = s3_server.log_path.parent / "no-aws-files"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(missing_files / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(missing_files / "credentials"))
    for name in ("NO_PROXY", "no_proxy"):
        existing = os.environ.get(name)
        monkeypatch.setenv(name, f"{existing},127.0.0.1" if existing else "127.0.0.1")

    _clear_s3fs_instances()
    bucket = S3Bucket(name=f"test-{uuid.uuid4().hex[:24]}", endpoint_url=s3_server.endpoint_url)
    s3_server.admin.mkdir(bucket.name)
    try:
        yield bucket
    finally:
        _clear_s3fs_instances()
