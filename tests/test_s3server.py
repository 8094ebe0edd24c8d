"""The S3 fixtures give each test a real, empty bucket reachable through fsspec URLs."""

from __future__ import annotations

import json
import subprocess
import sys

import fsspec
import pytest

from . import s3server
from .s3server import S3Bucket, s3_bucket_fixture, s3_server_fixture  # noqa: F401

BUNDLE = {"apis": [{"id": "payments", "score": 0.9}]}
BUCKETS_SEEN: list[str] = []
"""Bucket names handed out so far in this module, to show each test gets its own."""
FILESYSTEMS_SEEN: list[object] = []
"""Filesystems fsspec handed out so far; kept alive so no identity can be reused."""


def test_bytes_written_to_a_url_read_back(s3_bucket: S3Bucket) -> None:
    url = f"{s3_bucket.url}a/b.json"
    payload = json.dumps(BUNDLE).encode("utf-8")
    with fsspec.open(url, "wb", **s3_bucket.storage_options) as stream:
        stream.write(payload)

    with fsspec.open(url, "rb", **s3_bucket.storage_options) as stream:
        assert stream.read() == payload


def test_glob_lists_the_written_objects(s3_bucket: S3Bucket) -> None:
    for key in ("a/b.json", "a/c.json", "a/notes.txt", "d/e.json"):
        with fsspec.open(f"{s3_bucket.url}{key}", "wb", **s3_bucket.storage_options) as stream:
            stream.write(b"{}")

    filesystem = fsspec.filesystem("s3", **s3_bucket.storage_options)
    assert sorted(filesystem.glob(f"{s3_bucket.url}a/*.json")) == [
        f"{s3_bucket.name}/a/b.json",
        f"{s3_bucket.name}/a/c.json",
    ]
    assert sorted(filesystem.glob(f"{s3_bucket.url}**/*.json")) == [
        f"{s3_bucket.name}/a/b.json",
        f"{s3_bucket.name}/a/c.json",
        f"{s3_bucket.name}/d/e.json",
    ]


@pytest.mark.parametrize("round_number", [1, 2])
def test_each_test_gets_a_fresh_empty_bucket(s3_bucket: S3Bucket, round_number: int) -> None:
    # Both rounds write the same key: the second sees it only if the bucket were shared.
    filesystem = fsspec.filesystem("s3", **s3_bucket.storage_options)
    assert filesystem.ls(s3_bucket.url) == []
    assert s3_bucket.name not in BUCKETS_SEEN
    BUCKETS_SEEN.append(s3_bucket.name)
    # fsspec caches a filesystem per set of options; one from an earlier test would carry that
    # test's listings and the client made under that test's environment.
    assert all(filesystem is not seen for seen in FILESYSTEMS_SEEN)
    FILESYSTEMS_SEEN.append(filesystem)

    with fsspec.open(f"{s3_bucket.url}a/b.json", "wb", **s3_bucket.storage_options) as stream:
        stream.write(f"round {round_number}".encode())
    assert filesystem.ls(s3_bucket.url, detail=False) == [f"{s3_bucket.name}/a"]


def test_missing_object_raises_file_not_found(s3_bucket: S3Bucket) -> None:
    url = f"{s3_bucket.url}a/missing.json"
    with pytest.raises(FileNotFoundError), fsspec.open(url, "rb", **s3_bucket.storage_options):
        pass
    filesystem = fsspec.filesystem("s3", **s3_bucket.storage_options)
    with pytest.raises(FileNotFoundError):
        filesystem.cat_file(url)


def test_credentials_come_from_the_environment_only(s3_bucket: S3Bucket) -> None:
    assert s3_bucket.storage_options == {"endpoint_url": s3_bucket.endpoint_url}
    assert s3_bucket.url == f"s3://{s3_bucket.name}/"

    # botocore, under s3fs, resolves the same chain: the test keys, found in the environment.
    import botocore.session

    credentials = botocore.session.Session().get_credentials()
    assert credentials is not None
    assert credentials.method == "env"
    assert (credentials.access_key, credentials.secret_key) == ("testing", "testing")


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [("", pytest.skip.Exception), ("true", pytest.fail.Exception)],
)
def test_missing_s3_packages_skip_except_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(s3server, "REQUIRED_MODULES", ("no_such_package_for_s3.server",))
    if ci:
        monkeypatch.setenv("CI", ci)
    else:
        monkeypatch.delenv("CI", raising=False)

    with pytest.raises(outcome, match=r"no_such_package_for_s3\.server"):
        s3server._require_s3_modules()


def test_a_server_that_dies_at_startup_fails_with_its_log(tmp_path) -> None:
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "import sys; print('port already in use'); sys.exit(3)"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.wait()
    with pytest.raises(pytest.fail.Exception, match=r"status 3(.|\n)*port already in use"):
        s3server._wait_until_answering(process, "http://127.0.0.1:9/", log_path)
