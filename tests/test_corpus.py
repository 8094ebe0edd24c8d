"""Every real document of the corpus (tests/fixtures/corpus) loads; the validator's verdicts become the right findings."""

from __future__ import annotations

import json
import shutil

import pytest

from mkdocs_platform.openapi import read_spec

from .conftest import CORPUS, build_site

BIG = 64 * 1024 * 1024


MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
VALIDATOR_FINDINGS = {"oas-valid", "oas-refs-resolve", "oas-parse"}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_corpus_document_gets_findings_matching_the_validator(entry):
    path = CORPUS / entry["file"]
    reading = read_spec(path, CORPUS, BIG)
    assert reading is not None
    assert reading.model is not None, "every corpus document loads"
    assert reading.model.title == entry["title"]
    findings = [f for f in reading.findings if f.rule in VALIDATOR_FINDINGS]
    verdict = entry["openapi_spec_validator_0_9_0"]
    if verdict == "valid":
        assert findings == []
    elif verdict == "crash":
        assert [f.finding_class for f in findings] == ["tool"]
    else:
        assert findings, "a rejected document gets a finding"
        assert all(f.line and f.pointer and f.file == entry["file"] for f in findings)
    note = entry.get("note") or ""
    if verdict == "invalid" and ("example" in note or "default" in note or "\\p{L}" in note):
        # Bad examples and defaults do not make a spec invalid (`example`); nor does a regex one
        # of the validator's engines cannot compile: the tool's limit, not the spec's (`tool`).
        classes = {f.finding_class for f in findings}
        assert classes <= {"example", "tool"}
        assert ("example" in classes) == ("example" in note or "default" in note)
        assert ("tool" in classes) == ("\\p{L}" in note or "pattern" in note)
    if verdict == "invalid" and "truly invalid" in note:
        assert {f.finding_class for f in findings} == {"structure"}


def test_whole_corpus_builds_into_one_portal(tmp_path):
    sources = []
    for i, entry in enumerate(MANIFEST):
        folder = tmp_path / "repos" / f"s{i}"
        folder.mkdir(parents=True)
        suffix = ".json" if entry["file"].endswith(".json") else ".yaml"
        shutil.copy(CORPUS / entry["file"], folder / f"openapi{suffix}")
        sources.append({"name": f"s{i}", "path": f"repos/s{i}"})
    site = build_site(tmp_path, {"sources": sources})
    rows = site.soup("apis/index.html").select("tr.mp-catalog-row")
    assert len(rows) == len(MANIFEST)
    for i, entry in enumerate(MANIFEST):
        page = site.article(f"apis/s{i}/index.html")
        assert entry["title"] in page.get_text()
