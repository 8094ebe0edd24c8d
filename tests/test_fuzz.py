"""Generated hostile sources through the whole pipeline: nothing escapes, every API is scored.

Each example is a source folder (a spec mixing valid OpenAPI with junk, maybe a catalog file and
files its `$ref`s name; see tests/strategies.py) read, scored, reported in every format and
rendered page by page as a build would. `benchmarks/fuzz_pipeline.py` runs the same strategies
for thousands of examples.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from . import strategies
from .strategies import SourceFiles, source_files, to_json, write_source

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    # No shrinking: on a failure it can take many minutes; the unshrunk example still shows it.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(source=source_files())
def test_pipeline_survives_generated_source(source: SourceFiles):
    with tempfile.TemporaryDirectory(prefix="fuzz-") as temporary:
        folder = Path(temporary) / "source"
        write_source(folder, source)
        apis = strategies.run_whole_pipeline(folder)
    # Every generated spec declares itself OpenAPI: it is an API, loadable or not, unless the
    # source was refused with a deliberate error (-1).
    assert apis == -1 or apis >= 1, f"the spec of {sorted(source.files)} vanished"


@FUZZ
@given(source=source_files())
def test_generated_files_are_what_they_claim(source: SourceFiles):
    # The strategies must write the hostile text they promise, or the fuzzing proves nothing.
    with tempfile.TemporaryDirectory(prefix="fuzz-") as temporary:
        folder = Path(temporary)
        write_source(folder, source)
        for rel, value in source.files.items():
            text = (folder / rel).read_text(encoding="utf-8")
            if rel != "catalog-info.yaml":
                assert text == to_json(value)


def test_strategies_reach_the_hostile_corners():
    # Seen over a fixed run: surrogates, NULs, 4,300+ digit numbers, outside refs, catalogs.
    seen: set[str] = set()

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(source=source_files())
    def collect(source: SourceFiles):
        text = "".join(
            to_json(v) if k != "catalog-info.yaml" else json.dumps([to_json(d) for d in v])
            for k, v in source.files.items()
        )
        for mark, needle in (
            ("surrogate", "\\ud8"),
            ("nul", "\\u0000"),
            ("big-int", "9" * 4290),
            ("outside-ref", "etc/passwd"),
            ("payload", "__pwned"),
        ):
            if needle in text:
                seen.add(mark)
        if "catalog-info.yaml" in source.files:
            seen.add("catalog")
        if "parts/a.json" in source.files:
            seen.add("parts")

    collect()
    assert seen == {"surrogate", "nul", "big-int", "outside-ref", "payload", "catalog", "parts"}
