"""The history folder: records made from real scorecards, written and read back, and every way
the folder can be damaged, foreign, newer or unwritable without the build failing on a traceback
(except an unwritable folder, which is a `HistoryError` that says why)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mkdocs_platform.errors import HistoryError, PlatformError
from mkdocs_platform.history import (
    api_record,
    api_record_from_json,
    api_record_json,
    canonical_json,
    load_sdk_surface,
    load_spec_document,
    portfolio_record,
    portfolio_record_from_json,
    portfolio_record_json,
    read_history,
    spec_hash,
    write_history,
)
from mkdocs_platform.history.records import RecordError
from mkdocs_platform.models import ApiEntry, CatalogEntity, Source, SourceSettings
from mkdocs_platform.models.changes import ApiChanges, Change, Comparison
from mkdocs_platform.models.history import (
    HISTORY_FORMAT,
    ApiRecord,
    HistorySettings,
    PortfolioRecord,
)
from mkdocs_platform.openapi.document import bundle_spec
from mkdocs_platform.openapi.loader import load_file
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.scorecard import score_api
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.scorecard.score import SCORING_VERSION

CHECKOUT = Path(__file__).resolve().parents[1]
GOOD_SPEC = Path(__file__).parent / "fixtures" / "scorecard" / "good.yaml"
BIG = 64 * 1024 * 1024
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
SETPRIV = "/usr/bin/setpriv"


# -- helpers -----------------------------------------------------------------------------


def record(
    api_id: str = "pets",
    time: datetime = T0,
    *,
    score: int = 80,
    release: str = "",
    spec: str = "",
) -> ApiRecord:
    return ApiRecord(
        time=time,
        api_id=api_id,
        scoring_version=SCORING_VERSION,
        score=score,
        grade="B",
        level="silver",
        categories={"correctness": 90, "documentation": 70},
        findings={"error": 0, "warn": 2, "info": 1},
        spec_hash=spec,
        commit="a" * 40,
        version="1.2.0",
        release=release,
        consumers=2,
        owned=True,
        sdk_coverage=0.75,
        breaking=1,
        sdk_hashes=(),
    )


def portfolio_at(time: datetime, apis: int = 2) -> PortfolioRecord:
    return PortfolioRecord(
        time=time,
        scoring_version=SCORING_VERSION,
        apis=apis,
        median_score=71.5,
        silver_or_above=0.5,
        owner_coverage=1.0,
        sdk_coverage=0.5,
        consumed=0.0,
        breaking_changes=3,
        releases=4,
        releases_breaking_without_major=1,
    )


def settings(folder: Path, retention: int = 200) -> HistorySettings:
    return HistorySettings(path=folder, retention=retention)


def scored_api(root: Path, **fields: Any) -> tuple[ApiEntry, Any]:
    """A real API read and scored as the pipeline does it."""
    rel = "openapi.yaml"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(GOOD_SPEC, root / rel)
    document = bundle_spec(load_file(root / rel, BIG), root, BIG)
    api = ApiEntry(
        id="pets",
        source=Source(settings=SourceSettings(name="shelter"), root=root),
        spec_path=rel,
        model=normalize(document.data),
        document=document.data,
        findings=list(document.findings),
        **fields,
    )
    return api, score_api(api, now=T0)


def folder_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def write_lines(path: Path, *lines: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))


API_HEADER = json.dumps(
    {"format": "mkdocs-platform-history", "version": HISTORY_FORMAT, "kind": "api", "api": "pets"}
)


def good_line() -> str:
    return json.dumps(api_record_json(record()))


# -- records -----------------------------------------------------------------------------


def test_api_record_carries_what_the_scorecard_says(tmp_path):
    consumers = [
        CatalogEntity(kind="Component", name=n, file="catalog-info.yaml", line=1) for n in "ab"
    ]
    breaking = Change(id="response-removed", level="error", message="gone")
    changes = ApiChanges(
        comparisons=(
            Comparison("release", "v1", "v2", changes=(breaking, breaking)),
            Comparison("build", "then", "this build", changes=(breaking,)),
        )
    )
    api, card = scored_api(tmp_path / "src", consumers=consumers, changes=changes)
    moment = datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))

    made = api_record(api, card, moment, release="v2.0.0")

    assert made.time == T0
    assert made.time.utcoffset() == timedelta(0)
    assert (made.api_id, made.score, made.grade, made.level) == (
        "pets",
        card.score,
        card.grade,
        card.level,
    )
    assert made.scoring_version == SCORING_VERSION
    assert made.categories == {c: round(s.score) for c, s in card.categories.items()}
    severities = [f.severity for f in card.findings]
    assert made.findings == {s: severities.count(s) for s in ("error", "warn", "info")}
    assert made.spec_hash == spec_hash(api.document)
    assert len(made.spec_hash) == 64
    assert (made.consumers, made.breaking, made.release) == (2, 3, "v2.0.0")
    assert made.owned is bool(api.owner)
    assert made.version == card.version
    assert made.sdk_coverage is None  # no SDK


def test_api_record_reads_the_sdk_coverage_and_a_missing_document(tmp_path):
    api, card = scored_api(tmp_path / "src")
    with_sdk = dataclasses.replace(card, sdk={"coverage": 0.6667, "operations_without_method": []})
    assert api_record(api, with_sdk, T0).sdk_coverage == 0.6667
    no_operations = dataclasses.replace(card, sdk={"coverage": None})
    assert api_record(api, no_operations, T0).sdk_coverage is None
    api.document = None
    assert api_record(api, card, T0).spec_hash == ""


def test_portfolio_record_gives_shares_and_none_without_apis(tmp_path):
    _api, card = scored_api(tmp_path / "src")
    portfolio = dataclasses.replace(build_portfolio([card, card]), owned=1, consumed=2)

    made = portfolio_record(portfolio, T0)

    assert made.apis == 2
    assert made.owner_coverage == 0.5
    assert made.consumed == 1.0
    assert made.sdk_coverage == 0.0
    assert made.median_score == portfolio.median_score
    assert made.scoring_version == SCORING_VERSION
    empty = portfolio_record(build_portfolio([]), T0)
    assert (empty.apis, empty.median_score, empty.silver_or_above, empty.owner_coverage) == (
        0,
        None,
        None,
        None,
    )


def test_records_survive_json_and_the_reading_is_strict():
    original = record(release="v1.0.0", spec="ab" * 32)
    line = json.loads(json.dumps(api_record_json(original)))
    assert line["time"] == "2026-03-01T09:30:00Z"
    assert api_record_from_json(line, "pets") == original
    whole = portfolio_at(T0)
    assert portfolio_record_from_json(json.loads(json.dumps(portfolio_record_json(whole)))) == whole

    for key, value, says in [
        ("score", "80", "'score' is a string"),
        ("score", True, "'score' is a boolean"),
        ("score", 101, "outside 0-100"),
        ("owned", 1, "'owned' is a number"),
        ("time", "yesterday", "not an ISO 8601 time"),
        ("time", "2026-03-01T09:30:00", "no time zone"),
        ("level", "platinum", "'level'"),
        ("sdk_coverage", 1.5, "outside 0-1"),
        ("findings", {"fatal": 1}, "unknown severity"),
        ("spec", "not-a-hash", "'spec'"),
        ("sdks", ["x"], "'sdks'"),
    ]:
        with pytest.raises(RecordError, match=says):
            api_record_from_json({**line, key: value}, "pets")
    incomplete = dict(line)
    del incomplete["grade"]
    with pytest.raises(RecordError, match="'grade' is missing"):
        api_record_from_json(incomplete, "pets")
    with pytest.raises(RecordError, match="not a JSON object"):
        portfolio_record_from_json([1])


# -- writing and reading -----------------------------------------------------------------


def test_records_and_specs_round_trip(tmp_path):
    folder = tmp_path / "history"
    spec = {"openapi": "3.1.0", "info": {"title": "Pets", "version": "1"}, "paths": {}}
    surface = {"package": "pets_sdk", "methods": ["Pets.list"]}
    digest, sdk_digest = spec_hash(spec), spec_hash(surface)
    first = dataclasses.replace(record("pets", T0, spec=digest), sdk_hashes=(sdk_digest,))
    second = record("pets", T0 + timedelta(days=1), score=90)
    other = record("orders", T0)

    findings = write_history(
        settings(folder),
        [second, first, other],
        portfolio_at(T0),
        {digest: spec},
        {sdk_digest: surface},
    )

    assert findings == []
    history = read_history(settings(folder), BIG)
    assert history.findings == []
    assert history.apis == {"orders": [other], "pets": [first, second]}
    assert history.portfolio == [portfolio_at(T0)]
    assert load_spec_document(settings(folder), digest, BIG) == (spec, None)
    assert load_sdk_surface(settings(folder), sdk_digest, BIG) == (surface, None)

    files = folder_files(folder)
    assert set(files) == {
        "README.txt",
        "apis/orders.jsonl",
        "apis/pets.jsonl",
        "portfolio.jsonl",
        f"specs/{digest}.json.gz",
        f"sdks/{sdk_digest}.json.gz",
    }
    assert "safe to commit to git" in " ".join(files["README.txt"].decode().split())
    lines = files["apis/pets.jsonl"].decode().splitlines()
    assert json.loads(lines[0]) == {
        "format": "mkdocs-platform-history",
        "version": HISTORY_FORMAT,
        "kind": "api",
        "api": "pets",
    }
    assert len(lines) == 3
    assert " " not in lines[1]
    assert json.loads(lines[0 + 1])["time"] == "2026-03-01T09:30:00Z"
    assert gzip.decompress(files[f"specs/{digest}.json.gz"]) == canonical_json(spec)


def test_each_spec_is_stored_once(tmp_path):
    folder = tmp_path / "history"
    spec = {"info": {"title": "Pets", "version": "1"}, "openapi": "3.0.3"}
    same_reordered = {"openapi": "3.0.3", "info": {"version": "1", "title": "Pets"}}
    changed = {**spec, "info": {"title": "Pets", "version": "2"}}
    assert spec_hash(spec) == spec_hash(same_reordered) != spec_hash(changed)

    write_history(settings(folder), [record()], None, {spec_hash(spec): spec}, {})
    stored = folder / "specs" / f"{spec_hash(spec)}.json.gz"
    before = (stored.read_bytes(), stored.stat().st_mtime_ns)
    later = [record(time=T0 + timedelta(hours=1))]
    write_history(settings(folder), later, None, {spec_hash(same_reordered): same_reordered}, {})
    assert (stored.read_bytes(), stored.stat().st_mtime_ns) == before
    write_history(settings(folder), later, None, {spec_hash(changed): changed}, {})

    assert len(list((folder / "specs").iterdir())) == 2


def test_a_spec_keyed_by_a_wrong_hash_is_a_mistake_of_the_caller(tmp_path):
    with pytest.raises(ValueError, match="not the SHA-256"):
        write_history(settings(tmp_path / "h"), [], None, {"0" * 64: {"a": 1}}, {})


def test_retention_keeps_the_newest_records_per_file(tmp_path):
    folder = tmp_path / "history"
    for day in range(5):
        moment = T0 + timedelta(days=day)
        write_history(
            settings(folder, retention=3),
            [record("pets", moment, score=day)],
            portfolio_at(moment),
            {},
            {},
        )

    history = read_history(settings(folder), BIG)
    assert [r.score for r in history.apis["pets"]] == [2, 3, 4]
    assert [p.time for p in history.portfolio] == [T0 + timedelta(days=d) for d in (2, 3, 4)]


def test_a_release_recorded_again_replaces_its_record(tmp_path):
    folder = tmp_path / "history"
    releases = [
        record(time=T0 + timedelta(days=1), release="v1.0.0", score=60),
        record(time=T0 + timedelta(days=2), release="v1.1.0", score=70),
    ]
    build = record(time=T0 + timedelta(days=3), score=75)
    write_history(settings(folder), [*releases, build], None, {}, {})
    # A second backfill scores the same tags (with a newer scoring), and a build follows.
    again = [dataclasses.replace(r, score=r.score + 1) for r in releases]
    write_history(settings(folder), again, None, {}, {})
    write_history(settings(folder), [build], None, {}, {})

    kept = read_history(settings(folder), BIG).apis["pets"]
    assert [(r.release, r.score) for r in kept] == [
        ("v1.0.0", 61),
        ("v1.1.0", 71),
        ("", 75),
        ("", 75),
    ]


def test_records_come_back_oldest_first_whatever_order_they_were_written(tmp_path):
    folder = tmp_path / "history"
    newer, older = record(time=T0 + timedelta(days=2)), record(time=T0 - timedelta(days=2))
    write_history(settings(folder), [newer], None, {}, {})
    write_history(settings(folder), [older], None, {}, {})
    assert read_history(settings(folder), BIG).apis["pets"] == [older, newer]


def test_a_missing_folder_is_an_empty_history_without_findings(tmp_path):
    history = read_history(settings(tmp_path / "never-written"), BIG)
    assert (history.apis, history.portfolio, history.findings) == ({}, [], [])
    assert read_history(HistorySettings(path=None), BIG).findings == []
    assert (
        write_history(HistorySettings(path=tmp_path / "off", write=False), [record()], None, {}, {})
        == []
    )
    assert not (tmp_path / "off").exists()


# -- damaged, foreign and newer files ----------------------------------------------------


@pytest.mark.parametrize(
    ("bad_line", "says"),
    [
        ("{not json", "is not valid JSON on line 3"),
        (json.dumps({**json.loads(good_line()), "score": "high"}), "'score' is a string"),
        (
            json.dumps({k: v for k, v in json.loads(good_line()).items() if k != "time"}),
            "'time' is missing",
        ),
        (b'{"time": "\xff\xfe"}', "is not UTF-8 text on line 3"),
        ("[" * 100_000, "longer than"),
        ("[" * 60_000 + "]" * 60_000, "longer than"),
        ("[" * 30_000 + "]" * 30_000, "is not valid JSON on line 3"),
        ("[1, 2]", "not a JSON object"),
    ],
)
def test_a_damaged_line_leaves_out_its_file_only(tmp_path, bad_line, says):
    folder = tmp_path / "history"
    write_history(settings(folder), [record("orders")], None, {}, {})
    write_lines(folder / "apis" / "pets.jsonl", API_HEADER, good_line(), bad_line, good_line())

    history = read_history(settings(folder), BIG)

    assert list(history.apis) == ["orders"]
    [finding] = history.findings
    assert (finding.rule, finding.severity, finding.file, finding.line) == (
        "history",
        "warn",
        "history/apis/pets.jsonl",
        3,
    )
    assert says in finding.message
    assert "history/apis/pets.jsonl" in finding.message


def test_a_damaged_file_is_not_overwritten_and_the_finding_says_so(tmp_path):
    folder = tmp_path / "history"
    path = folder / "apis" / "pets.jsonl"
    write_lines(path, API_HEADER, good_line(), "{oops")
    before = path.read_bytes()

    findings = write_history(settings(folder), [record(time=T0 + timedelta(days=1))], None, {}, {})

    assert path.read_bytes() == before
    [finding] = findings
    assert finding.line == 3
    assert "left as it is" in finding.message


def test_a_foreign_file_is_reported_and_never_overwritten(tmp_path):
    folder = tmp_path / "history"
    foreign = folder / "apis" / "pets.jsonl"
    write_lines(foreign, '{"some": "other tool"}', good_line())
    (folder / "portfolio.jsonl").write_bytes(b"")
    before = foreign.read_bytes()

    history = read_history(settings(folder), BIG)
    assert history.apis == {}
    assert [(f.file, f.line) for f in history.findings] == [
        ("history/apis/pets.jsonl", 1),
        ("history/portfolio.jsonl", 1),
    ]
    assert all("not a history file" in f.message for f in history.findings)

    findings = write_history(settings(folder), [record()], portfolio_at(T0), {}, {})
    assert foreign.read_bytes() == before
    assert (folder / "portfolio.jsonl").read_bytes() == b""
    assert len(findings) == 2


def test_a_file_of_a_newer_format_is_left_out_and_left_untouched(tmp_path):
    folder = tmp_path / "history"
    newer_header = json.dumps(
        {
            "format": "mkdocs-platform-history",
            "version": HISTORY_FORMAT + 1,
            "kind": "api",
            "api": "pets",
        }
    )
    newer = folder / "apis" / "pets.jsonl"
    write_lines(newer, newer_header, '{"whatever": "format 2 holds"}')
    before = newer.read_bytes()

    history = read_history(settings(folder), BIG)
    [finding] = history.findings
    assert finding.file == "history/apis/pets.jsonl"
    assert finding.line == 1
    assert f"history format {HISTORY_FORMAT + 1}" in finding.message
    assert "upgrade" in finding.message

    findings = write_history(settings(folder), [record(), record("orders")], None, {}, {})
    assert newer.read_bytes() == before
    assert [f.file for f in findings] == ["history/apis/pets.jsonl"]
    assert list(read_history(settings(folder), BIG).apis) == ["orders"]


def test_a_header_for_another_api_or_kind_is_reported(tmp_path):
    folder = tmp_path / "history"
    header = json.loads(API_HEADER)
    write_lines(folder / "apis" / "pets.jsonl", json.dumps({**header, "api": "orders"}))
    write_lines(folder / "portfolio.jsonl", API_HEADER)
    messages = [f.message for f in read_history(settings(folder), BIG).findings]
    assert "naming the API 'orders', not 'pets'" in messages[0]
    assert "for 'api' records, not 'portfolio'" in messages[1]


def test_hostile_entries_in_the_folder_are_findings_not_tracebacks(tmp_path):
    folder = tmp_path / "history"
    outside = tmp_path / "secret.jsonl"
    write_lines(outside, API_HEADER.replace('"pets"', '"leak"'), good_line())
    (folder / "apis").mkdir(parents=True)
    (folder / "apis" / "leak.jsonl").symlink_to(outside)
    (folder / "apis" / "dir.jsonl").mkdir()
    os.mkfifo(folder / "apis" / "pipe.jsonl")
    (folder / "apis" / ".pets.jsonl.abc.tmp").write_text("half a write")
    (folder / "apis" / "notes.txt").write_text("the user's own")
    (folder / "portfolio.jsonl").mkdir()

    history = read_history(settings(folder), BIG)

    assert history.apis == {}
    found = {f.file: f.message for f in history.findings}
    assert set(found) == {
        "history/apis/dir.jsonl",
        "history/apis/leak.jsonl",
        "history/apis/pipe.jsonl",
        "history/portfolio.jsonl",
    }
    assert "symbolic link" in found["history/apis/leak.jsonl"]
    assert "is a folder, not a regular file" in found["history/apis/dir.jsonl"]
    assert "named pipe" in found["history/apis/pipe.jsonl"]

    findings = write_history(settings(folder), [record("leak")], None, {}, {})
    assert [f.file for f in findings] == ["history/apis/leak.jsonl"]
    assert outside.read_text().count("\n") == 2


def test_a_sub_folder_that_is_a_file_is_a_finding_when_read(tmp_path):
    folder = tmp_path / "history"
    folder.mkdir()
    (folder / "apis").write_text("not a folder")
    [finding] = read_history(settings(folder), BIG).findings
    assert finding.file == "history/apis"
    assert "not a folder" in finding.message


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    folder = tmp_path / "history"
    write_history(
        settings(folder), [record(time=T0 + timedelta(seconds=s)) for s in range(50)], None, {}, {}
    )
    size = (folder / "apis" / "pets.jsonl").stat().st_size

    [finding] = read_history(settings(folder), size - 1).findings
    assert f"{size:,} bytes" in finding.message
    assert len(read_history(settings(folder), size).apis["pets"]) == 50


# -- stored specs ------------------------------------------------------------------------


def test_a_gzip_bomb_among_the_specs_is_refused(tmp_path):
    folder = tmp_path / "history"
    (folder / "specs").mkdir(parents=True)
    payload = b'{"x":"' + b"a" * (20 * 1024 * 1024) + b'"}'
    digest = hashlib.sha256(payload).hexdigest()
    bomb = gzip.compress(payload, compresslevel=9)
    assert len(bomb) < 64 * 1024
    (folder / "specs" / f"{digest}.json.gz").write_bytes(bomb)

    document, finding = load_spec_document(settings(folder), digest, 1024 * 1024)

    assert document is None
    assert finding is not None
    assert finding.file == f"history/specs/{digest}.json.gz"
    assert "expands past 1,048,576 bytes" in finding.message


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "is missing"),
        (b"not gzip at all", "not gzip data"),
        (gzip.compress(b'{"a": 1}')[:-6], "not gzip data"),
        (gzip.compress(b'{"other": "content"}'), "not the spec it is named after"),
    ],
)
def test_a_missing_or_damaged_spec_is_a_finding(tmp_path, content, says):
    folder = tmp_path / "history"
    digest = spec_hash({"a": 1})
    if content is not None:
        (folder / "specs").mkdir(parents=True)
        (folder / "specs" / f"{digest}.json.gz").write_bytes(content)
    document, finding = load_spec_document(settings(folder), digest, BIG)
    assert document is None
    assert finding is not None
    assert says in finding.message
    bad_name, finding = load_spec_document(settings(folder), "../../etc/passwd", BIG)
    assert bad_name is None
    assert finding is not None
    assert "not a SHA-256" in finding.message


# -- writes that fail --------------------------------------------------------------------

WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

if len(sys.argv) > 3:
    import resource, signal
    # Past this size a write fails with EFBIG (as on a full disk) instead of killing us.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

from mkdocs_platform.errors import HistoryError
from mkdocs_platform.history import write_history
from mkdocs_platform.models.history import ApiRecord, HistorySettings

folder, count = Path(sys.argv[1]), int(sys.argv[2])
start = datetime(2026, 4, 1, tzinfo=timezone.utc)
records = [
    ApiRecord(time=start + timedelta(minutes=i), api_id="pets", scoring_version=1, score=50,
              grade="C", level=None, version="2." + "0" * 40)
    for i in range(count)
]
try:
    write_history(HistorySettings(path=folder), records, None, {}, {})
except HistoryError as exc:
    print(f"HistoryError: {exc}")
    sys.exit(3)
print("written")
"""


def run_writer(
    folder: Path, count: int, file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`write_history` in a process of its own, which root runs without its power to write
    where permissions forbid (so a read-only folder is read-only to it too)."""
    command = [sys.executable, "-c", WRITER, str(folder), str(count)]
    if file_size_limit is not None:
        command.append(str(file_size_limit))
    if os.geteuid() == 0:
        drop = "-dac_override,-dac_read_search"
        command = [SETPRIV, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    environment = {**os.environ, "PYTHONPATH": str(CHECKOUT)}
    return subprocess.run(command, capture_output=True, text=True, env=environment, check=False)


def _entries(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def _set_modes(folder: Path, mode: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(mode)


@pytest.mark.parametrize("recorded", [False, True])
def test_a_read_only_folder_raises_a_history_error_and_changes_nothing(tmp_path, recorded):
    folder = tmp_path / "history"
    folder.mkdir()
    if recorded:
        assert run_writer(folder, 1).stdout.strip() == "written"
    before, entries = folder_files(folder), _entries(folder)
    _set_modes(folder, 0o555)
    try:
        failed = run_writer(folder, 1)
    finally:
        _set_modes(folder, 0o755)

    assert failed.returncode == 3, failed.stderr
    where = "apis/pets.jsonl" if recorded else "apis"
    assert failed.stdout.strip() == (
        f"HistoryError: cannot write the history folder {folder}: Permission denied ({where})"
    )
    assert "Traceback" not in failed.stderr
    assert folder_files(folder) == before
    assert _entries(folder) == entries


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(tmp_path):
    folder = tmp_path / "history"
    assert run_writer(folder, 1).stdout.strip() == "written"
    before = folder_files(folder)
    assert max(len(b) for b in before.values()) < 4096

    failed = run_writer(folder, 200, file_size_limit=4096)

    assert failed.returncode == 3, failed.stderr
    assert "File too large (apis/pets.jsonl)" in failed.stdout
    assert str(folder) in failed.stdout
    assert folder_files(folder) == before
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    assert run_writer(folder, 200).stdout.strip() == "written"
    assert len(read_history(settings(folder), BIG).apis["pets"]) == 200


def test_a_history_path_that_is_a_file_raises_a_history_error(tmp_path):
    not_a_folder = tmp_path / "history"
    not_a_folder.write_text("a file")
    with pytest.raises(HistoryError, match=r"history folder .*history: it is a file, not a folder"):
        write_history(settings(not_a_folder), [record()], None, {}, {})
    (tmp_path / "h2").mkdir()
    (tmp_path / "h2" / "specs").write_text("a file")
    with pytest.raises(HistoryError, match="specs is a file, not a folder") as raised:
        write_history(settings(tmp_path / "h2"), [record()], None, {}, {})
    assert isinstance(raised.value, PlatformError)
    assert not (tmp_path / "h2" / "apis" / "pets.jsonl").exists()


def test_writes_leave_no_temporary_files(tmp_path):
    folder = tmp_path / "history"
    spec = {"openapi": "3.0.3"}
    for day in range(3):
        write_history(
            settings(folder),
            [record(time=T0 + timedelta(days=day))],
            portfolio_at(T0 + timedelta(days=day)),
            {spec_hash(spec): spec},
            {},
        )
    names = [p.name for p in folder.rglob("*")]
    assert not [n for n in names if n.startswith(".")]
    mode = stat.S_IMODE((folder / "apis" / "pets.jsonl").stat().st_mode)
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_an_api_id_that_cannot_name_a_file_is_not_written(tmp_path):
    folder = tmp_path / "history"
    findings = write_history(settings(folder), [record("../escape"), record("pets")], None, {}, {})
    assert [f.message for f in findings] == [
        "the API id '../escape' cannot name a file; this build's record of it was not kept"
    ]
    assert not (tmp_path / "escape.jsonl").exists()
    assert list(read_history(settings(folder), BIG).apis) == ["pets"]
