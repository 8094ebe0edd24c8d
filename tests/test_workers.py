"""Work spread over worker processes gives the site and reports one process gives."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from .conftest import build_site, site_files

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus" / "readme-oas-examples"


def _build(root: Path, concurrency: int, caplog: pytest.LogCaptureFixture) -> dict[str, bytes]:
    shutil.copytree(CORPUS, root / "repos" / "corpus")
    plugin = {
        "sources": [
            {"name": "corpus", "path": "repos/corpus", "specs": ["**/*.json", "**/*.yaml"]}
        ],
        "concurrency": concurrency,
        "cache": False,
        "scorecard": {"reports": {"json": "scorecards.json", "sarif": "scorecards.sarif"}},
    }
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.mkdocs_platform.workers"):
        site = build_site(root, plugin, strict=False)
    return site_files(site.dir)


def test_one_worker_and_several_build_the_same_site_and_reports(tmp_path, caplog):
    one = _build(tmp_path / "one", 1, caplog)
    assert not any("worker processes" in r.getMessage() for r in caplog.records)
    several = _build(tmp_path / "several", 2, caplog)
    assert any("tasks over 2 worker processes" in r.getMessage() for r in caplog.records)
    assert len([name for name in one if name.startswith("apis/") and name.endswith(".html")]) > 10
    assert "scorecards.json" in one
    assert "scorecards.sarif" in one
    assert one.keys() == several.keys()
    differing = [name for name in one if one[name] != several[name]]
    assert differing == []
