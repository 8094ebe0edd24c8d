"""The portal under the command lines people run: `mkdocs build`, `properdocs build`, `mkdocs serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from .conftest import make_config, minimal_spec, serving, wait_for_page, write_files

BIN = Path(sys.executable).parent


def _portal(tmp_path: Path, theme: str) -> Path:
    write_files(tmp_path / "repos/pets", {"openapi.yaml": minimal_spec("Pets")})
    return make_config(
        tmp_path, {"sources": [{"name": "pets", "path": "repos/pets"}]}, theme={"name": theme}
    )


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_build_command(tmp_path, engine, theme):
    config = _portal(tmp_path, theme)
    result = _run(str(BIN / engine), "build", "--strict", "-f", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/apis/pets/pets/index.html").read_text()
    assert 'id="op-listpets"' in html
    assert "Pets" in (tmp_path / "site/apis/index.html").read_text()


def test_config_error_exits_with_mkdocs_message(tmp_path):
    config = make_config(tmp_path, {"sources": [{"name": "pets", "path": "missing"}]})
    result = _run(str(BIN / "mkdocs"), "build", "-f", str(config), cwd=tmp_path)
    assert result.returncode != 0
    assert "Config value 'plugins'" in result.stderr
    assert "source 'pets'" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_rebuilds_when_a_spec_changes(tmp_path):
    config = _portal(tmp_path, "material")
    with serving(config, tmp_path) as base:
        url = f"{base}/apis/pets/"
        assert "Pets" in wait_for_page(url, "Pets", time.monotonic() + 120)
        spec_path = tmp_path / "repos/pets/openapi.yaml"
        spec = yaml.safe_load(spec_path.read_text())
        spec["info"]["title"] = "Renamed pets"
        spec_path.write_text(yaml.safe_dump(spec))
        assert "Renamed pets" in wait_for_page(url, "Renamed pets", time.monotonic() + 120)
