"""Python SDKs: static loading with griffe, links to operations, the `sdk` checks and pages.

The fixtures under `fixtures/sdk/` are three small SDKs, one per docstring style, with
re-exports from private modules, `__all__` (or not), overloads, properties, dataclasses and
enums, and a fourth full of bad input. Pages are rendered with MkDocs' own files and link
resolver, and every link between SDK pages is followed to an element with its id.
"""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import griffe
import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mkdocs_platform.mkdocs_adapter import _MkDocsLinks
from mkdocs_platform.models import ApiEntry, Source, SourceSettings
from mkdocs_platform.models.api import ApiModel, Operation
from mkdocs_platform.models.sdk import SdkLinks
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.render.sdk_pages import (
    SdkPage,
    SdkPageMap,
    operation_sdk_html,
    plan_sdk_pages,
    render_sdk_page,
)
from mkdocs_platform.render.site import PageToc
from mkdocs_platform.scorecard import ScorecardSettings, score_api
from mkdocs_platform.scorecard.context import CheckResult, RuleContext, api_locator
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.settings import RuleSetting
from mkdocs_platform.sdk import (
    SdkLimits,
    SdkModel,
    SdkSettings,
    link_operations,
    load_sdk,
    sdk_api_id,
)
from mkdocs_platform.sdk.griffe_log import capture_griffe
from mkdocs_platform.sdk.links import name_key, resolve_method, stem, words

from .conftest import FIXTURES, SDK_RULES

SDKS = FIXTURES / "sdk"
SYNTAX_ERROR = '"""This module does not parse."""\n\n\nclass Unreachable:\n    def broken(self:\n        pass\n'


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` containing `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def load_fixture(name: str, style: str | None = None, **limits: int) -> SdkModel:
    root, sub, package, default_style = {
        "google": (SDKS / "google_sdk", "src", "petstore", "google"),
        "numpy": (SDKS / "numpy_sdk", ".", "mailer", "numpy"),
        "sphinx": (SDKS / "sphinx_sdk", ".", "billing", "sphinx"),
    }[name]
    settings = SdkSettings((root / sub).resolve(), package, None, style or default_style)
    return load_sdk(settings, root.resolve(), SdkLimits(**limits))


@pytest.fixture(scope="module")
def google() -> SdkModel:
    return load_fixture("google")


@pytest.fixture(scope="module")
def numpy_sdk() -> SdkModel:
    return load_fixture("numpy")


@pytest.fixture(scope="module")
def sphinx() -> SdkModel:
    return load_fixture("sphinx")


@pytest.fixture
def bad_root(tmp_path: Path) -> Path:
    """The bad SDK, with a module that does not parse (kept out of the repo: ruff reads it)."""
    root = tmp_path / "bad"
    shutil.copytree(SDKS / "bad_sdk", root)
    (root / "broken" / "syntax_error.py").write_text(SYNTAX_ERROR, encoding="utf-8")
    return root


def load_bad(root: Path, **limits: int) -> SdkModel:
    return load_sdk(SdkSettings(root, "broken", None, "auto"), root, SdkLimits(**limits))


def messages(sdk: SdkModel) -> list[str]:
    return [f.message for f in sdk.findings]


def op_spec(paths: dict[str, dict[str, dict[str, Any]]]) -> ApiModel:
    """An OpenAPI 3.0 model of these operations (each `{operationId, x-sdk-method ...}`)."""
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Test", "version": "1"},
        "paths": {
            path: {
                method: {"responses": {"200": {"description": "OK"}}, **fields}
                for method, fields in operations.items()
            }
            for path, operations in paths.items()
        },
    }
    return normalize(document)


def op_named(model: ApiModel, operation_id: str) -> Operation:
    return next(op for op in model.operations if op.operation_id == operation_id)


def linked_paths(links: SdkLinks, op: Operation) -> list[tuple[str, str]]:
    return sorted((link.path, link.how) for link in links.methods_for(op))


# -- settings ------------------------------------------------------------------------------


def test_sdk_belongs_to_the_only_api_of_its_source(tmp_path: Path):
    free = SdkSettings(tmp_path, "x")
    assert sdk_api_id(free, ["payments"]) == "payments"
    assert sdk_api_id(free, ["payments", "refunds"]) is None
    assert sdk_api_id(free, []) is None
    assert sdk_api_id(SdkSettings(tmp_path, "x", api="refunds"), ["payments"]) == "refunds"


# -- loading: the public surface -------------------------------------------------------------


def test_google_sdk_public_surface_follows_all_and_reexports(google: SdkModel):
    assert google.loaded
    assert google.findings == []
    assert [m.path for m in google.modules] == ["petstore", "petstore.models"]
    top = google.module("petstore")
    assert top is not None
    assert top.public_by == "__all__"
    assert top.is_package
    assert top.submodules == ["petstore.models"]
    # Defined in private modules and listed in __all__: documented where re-exported.
    assert [o.path for o in top.objects] == [
        "petstore.ApiError",
        "petstore.AsyncPetClient",
        "petstore.NotFoundError",
        "petstore.PetClient",
        "petstore.get_pet",
        "petstore._client.Pets",
    ]
    client = google.objects["petstore.PetClient"]
    assert client.defined_at == "petstore._client.PetClient"
    client_py = SDKS / "google_sdk/src/petstore/_client.py"
    assert client.file == "src/petstore/_client.py"
    assert client.line == line_of(client_py, "class PetClient:")
    # Defined in a public module: documented there, the package's name is a re-export.
    assert {(r.name, r.home) for r in top.reexports} == {
        ("Pet", "petstore.models.Pet"),
        ("PetStatus", "petstore.models.PetStatus"),
    }
    assert google.home("petstore.Pet") == "petstore.models.Pet"
    assert google.home("petstore._client.PetClient") == "petstore.PetClient"
    assert google.objects["petstore.models.Pet"].exposed_as == ["petstore.Pet"]
    # Not in __all__, private, or an import from elsewhere: not public.
    for path in ("petstore.VERSION", "petstore._private_helper", "petstore.models.dataclass"):
        assert google.find(path) is None
    assert "petstore._client" not in [m.path for m in google.modules]


def test_google_sdk_classes_functions_and_signatures(google: SdkModel):
    client = google.objects["petstore.PetClient"]
    assert client.kind == "class"
    assert client.signature == "PetClient(base_url: str, *, timeout: float = 10.0)"
    assert [p.name for p in client.parameters] == ["base_url", "timeout"]
    assert client.has_init
    member_kinds = {m.name: m.kind for m in client.members}
    assert member_kinds == {
        "base_url": "attribute",
        "timeout": "attribute",
        "pets": "property",
        "close": "method",
    }
    # A subclass shows the constructor it inherits and its base, linked by definition path.
    async_client = google.objects["petstore.AsyncPetClient"]
    assert not async_client.has_init
    assert async_client.signature == "AsyncPetClient(base_url: str, *, timeout: float = 10.0)"
    assert [(b.text, b.path) for b in async_client.bases] == [
        ("PetClient", "petstore._client.PetClient")
    ]
    assert google.objects["petstore.AsyncPetClient.aclose"].labels == ("async",)
    assert google.objects["petstore.AsyncPetClient.aclose"].signature == (
        "async def aclose() -> None"
    )
    # A class public only as the type of a public property is documented too.
    pets = google.objects["petstore._client.Pets"]
    assert pets.reached_by == "petstore.PetClient.pets"
    assert pets.module == "petstore"
    assert google.objects["petstore.PetClient.pets"].annotation_path == "petstore._client.Pets"
    # Overloads: each variant's signature, and the implementation's.
    get = google.objects["petstore._client.Pets.get"]
    assert get.overloads == ["def get(pet_id: int) -> Pet", "def get(pet_id: str) -> Pet"]
    assert get.signature == "def get(pet_id: int | str) -> Pet"
    listing = google.objects["petstore._client.Pets.list"]
    assert listing.signature == (
        "def list(limit: int | None = None, *, status: str = 'available') -> list[Pet]"
    )
    assert [(p.name, p.kind, p.default) for p in listing.parameters] == [
        ("limit", "positional or keyword", "None"),
        ("status", "keyword-only", "'available'"),
    ]


def test_google_sdk_dataclasses_enums_properties(google: SdkModel):
    pet = google.objects["petstore.models.Pet"]
    assert "dataclass" in pet.labels
    assert pet.has_init  # generated from the fields
    assert [(p.name, p.annotation, p.default) for p in pet.parameters] == [
        ("id", "int", None),
        ("name", "str", None),
        ("status", "PetStatus", "PetStatus.AVAILABLE"),
        ("tags", "list[str]", "list()"),  # griffe reads the default factory
    ]
    label = google.objects["petstore.models.Pet.label"]
    assert (label.kind, label.annotation, label.summary) == (
        "property",
        "str",
        "The name and id, for display.",
    )
    status = google.objects["petstore.models.PetStatus"]
    assert "enum" in status.labels
    assert [(m.name, m.value) for m in status.members] == [
        ("AVAILABLE", "'available'"),
        ("PENDING", "'pending'"),
        ("SOLD", "'sold'"),
    ]
    assert status.members[0].docstring is not None
    assert status.members[0].docstring.summary == "The pet can be adopted."


def test_google_docstrings_parsed_into_sections(google: SdkModel):
    listing = google.objects["petstore._client.Pets.list"]
    doc = listing.docstring
    assert doc is not None
    assert doc.style == "google"
    assert [s.kind for s in doc.sections] == ["text", "parameters", "returns", "examples"]
    assert [(i.name, i.annotation, i.description) for i in doc.items("parameters")] == [
        ("limit", "int | None", "How many pets to return at most."),
        ("status", "str", "Only pets in this status."),
    ]
    assert [(i.annotation, i.description) for i in doc.items("returns")] == [
        ("list[Pet]", "The pets, newest first.")
    ]
    examples = doc.sections[-1].examples
    assert examples[0] == ("text", "List the first ten pets:")
    assert examples[1][0] == "code"
    assert examples[1][1].startswith(">>> client = PetClient(")
    assert doc.warnings == []
    raises = google.objects["petstore._client.Pets.get"].docstring
    assert raises is not None
    assert [(i.annotation, i.description) for i in raises.items("raises")] == [
        ("NotFoundError", "When no pet has this id.")
    ]
    adopt = google.objects["petstore._client.Pets.adopt"]
    assert adopt.deprecated == "Use the adoption service instead."
    assert adopt.docstring is not None
    client_py = SDKS / "google_sdk/src/petstore/_client.py"
    assert adopt.docstring.warnings == [
        (
            line_of(client_py, "pet_id The pet's id, missing its colon."),
            "Failed to get 'name: description' pair from 'pet_id The pet's id, missing its colon.'",
        )
    ]


def test_numpy_sdk_without_all_uses_names_and_private_reexports(numpy_sdk: SdkModel):
    assert numpy_sdk.loaded
    assert numpy_sdk.findings == []
    assert [m.path for m in numpy_sdk.modules] == ["mailer", "mailer.errors", "mailer.utils"]
    top = numpy_sdk.module("mailer")
    assert top is not None
    assert top.public_by == "name"
    # Imported from private modules into the package: public; `json` and `_configure`: not.
    assert [o.path for o in top.objects] == [
        "mailer.Emails",
        "mailer.Templates",
        "mailer.Transport",
        "mailer.Mailer",
    ]
    assert numpy_sdk.find("mailer.json") is None
    assert numpy_sdk.find("mailer._configure") is None
    # A public module importing from a public module does not re-export.
    utils = numpy_sdk.module("mailer.utils")
    assert utils is not None
    assert [o.name for o in utils.objects] == ["is_address", "retry"]
    assert utils.reexports == []
    send = numpy_sdk.objects["mailer.Emails.send"]
    assert send.docstring is not None
    assert send.docstring.style == "numpy"
    assert [i.name for i in send.docstring.items("parameters")] == [
        "to",
        "subject",
        "body",
        "**headers",
    ]
    assert [i.name for i in send.docstring.items("other_parameters")] == ["reply_to"]
    assert [i.annotation for i in send.docstring.items("raises")] == ["DeliveryError"]
    assert send.body is not None
    assert send.body.raises == ("DeliveryError",)
    cancel = numpy_sdk.objects["mailer.Emails.cancel"]
    assert cancel.deprecated == "Scheduling is gone."
    assert cancel.docstring is not None
    assert [s.kind for s in cancel.docstring.sections] == ["text", "deprecated", "parameters"]
    assert cancel.docstring.sections[1].title == "2.0"
    listing = numpy_sdk.objects["mailer.Emails.list"]
    assert listing.body is not None
    assert listing.body.yields
    # `self.emails = Emails(...)`: the attribute holds an `Emails`.
    emails = numpy_sdk.objects["mailer.Mailer.emails"]
    assert emails.annotation_path == "mailer._resources.Emails"


def test_sphinx_sdk_documents_definitions_in_public_modules(sphinx: SdkModel):
    assert sphinx.loaded
    assert sphinx.findings == []
    top = sphinx.module("billing")
    assert top is not None
    assert top.public_by == "__all__"
    assert [o.path for o in top.objects] == [
        "billing.InvoiceState",
        "billing.Invoices",
        "billing.Payments",
    ]
    client = sphinx.objects["billing.client.BillingClient"]
    assert client.exposed_as == ["billing.BillingClient"]
    # A module that is not a package's `__init__` uses its imports; it does not re-export them.
    client_module = sphinx.module("billing.client")
    assert client_module is not None
    assert client_module.reexports == []
    assert sphinx.find("billing.client.Invoices") is None
    assert sphinx.home("billing.BillingClient") == "billing.client.BillingClient"
    assert "classmethod" in sphinx.objects["billing.client.BillingClient.from_env"].labels
    assert "staticmethod" in sphinx.objects["billing.client.BillingClient.version"].labels
    assert "enum" in sphinx.objects["billing.InvoiceState"].labels
    get_invoice = sphinx.objects["billing.Invoices.get_invoice"]
    assert get_invoice.docstring is not None
    assert get_invoice.docstring.style == "sphinx"
    assert [(i.name, i.annotation) for i in get_invoice.docstring.items("parameters")] == [
        ("invoice_id", "str")
    ]
    assert [i.annotation for i in get_invoice.docstring.items("raises")] == ["KeyError"]
    # `:type x:` next to an annotation is ordinary Sphinx, not a parse problem.
    assert get_invoice.docstring.warnings == []
    finalize = sphinx.objects["billing.Invoices.finalize"].docstring
    assert finalize is not None
    assert finalize.warnings == [
        (
            # Griffe places Sphinx field problems at the docstring's first line.
            line_of(SDKS / "sphinx_sdk/billing/_invoices.py", '"""Finalize a draft.'),
            "Failed to parse exception directive from ':raises: when the invoice is not a draft'",
        )
    ]


def test_auto_style_detects_each_docstring(google: SdkModel):
    numpy_auto = load_fixture("numpy", style="auto")
    send = numpy_auto.objects["mailer.Emails.send"].docstring
    assert send is not None
    assert send.style == "numpy"
    assert [i.name for i in send.items("parameters")][:2] == ["to", "subject"]
    google_auto = load_fixture("google", style="auto")
    listing = google_auto.objects["petstore._client.Pets.list"].docstring
    assert listing is not None
    assert listing.style == "google"
    assert len(google_auto.objects) == len(google.objects)


# -- loading: bad input --------------------------------------------------------------------------


def test_bad_sdk_gives_a_finding_per_problem_and_documents_the_rest(bad_root: Path):
    sdk = load_bad(bad_root, max_module_bytes=400)
    assert sdk.loaded
    found = {(f.severity, f.file, f.line, f.message) for f in sdk.findings}
    init = bad_root / "broken" / "__init__.py"
    assert (
        "error",
        "broken/syntax_error.py",
        5,
        "broken/syntax_error.py has a syntax error: '(' was never closed; it is left out",
    ) in found
    assert (
        "warn",
        "broken/big_generated.py",
        None,
        "broken/big_generated.py is larger than 400 bytes and is not documented",
    ) in found
    assert (
        "warn",
        "broken/__init__.py",
        line_of(init, "from broken.cycle_a import Loop"),
        (
            "broken.Loop cannot be documented: its imports go round in a circle "
            "(broken.cycle_a.Loop -> broken.cycle_b.Loop -> broken.cycle_a.Loop)"
        ),
    ) in found
    assert (
        "warn",
        "broken/__init__.py",
        line_of(init, "from broken.syntax_error import Unreachable"),
        (
            "broken.Unreachable cannot be documented: broken.syntax_error.Unreachable is in "
            "broken.syntax_error, which was not loaded"
        ),
    ) in found
    assert (
        "warn",
        "broken/__init__.py",
        line_of(init, "__all__"),
        "broken.__all__ lists NotDefinedAnywhere, which the module does not define",
    ) in found
    stars = bad_root / "broken" / "stars.py"
    assert (
        "info",
        "broken/stars.py",
        line_of(stars, "from somewhere_else import *"),
        (
            "broken.stars: `from somewhere_else import *` cannot be followed (somewhere_else is "
            "not part of the loaded SDK); the names it brings are not documented"
        ),
    ) in found
    assert (
        "info",
        "broken/stars.py",
        line_of(stars, "from broken._hidden import *"),
        (
            "broken.stars: `from broken._hidden import *` decides its public names; list them in "
            "`__all__` to make them explicit"
        ),
    ) in found
    assert len(sdk.findings) == 7
    assert all(f.rule == "sdk-load" and f.finding_class == "sdk" for f in sdk.findings)
    # What could be followed is documented: a star import's name and a plain class.
    top = sdk.module("broken")
    assert top is not None
    assert [o.path for o in top.objects] == ["broken.helper", "broken.Working"]
    assert sdk.objects["broken.helper"].defined_at == "broken._hidden.helper"
    assert sdk.objects["broken.Working.run"].summary == "Run."
    # An import of a package that is not there is a re-export to outside, not an error.
    gone = next(r for r in top.reexports if r.name == "Gone")
    assert (gone.target, gone.home, gone.problem) == ("missing_dependency.Gone", None, "")


def test_missing_path_or_package_is_a_finding(tmp_path: Path):
    missing = load_sdk(SdkSettings(tmp_path / "nope", "pkg"), tmp_path)
    assert not missing.loaded
    assert messages(missing) == ["The SDK path nope does not exist"]
    assert missing.findings[0].severity == "error"
    (tmp_path / "src").mkdir()
    absent = load_sdk(SdkSettings(tmp_path / "src", "pkg"), tmp_path)
    assert not absent.loaded
    assert messages(absent) == [
        "The package pkg is not in src (expected pkg/__init__.py or pkg.py)"
    ]


def test_top_module_that_does_not_parse_is_a_located_finding(tmp_path: Path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""Doc."""\n\ndef broken(:\n    pass\n')
    sdk = load_sdk(SdkSettings(tmp_path, "pkg"), tmp_path)
    assert not sdk.loaded
    assert [(f.severity, f.file, f.line) for f in sdk.findings] == [("error", "pkg/__init__.py", 3)]
    assert sdk.findings[0].message.startswith("The SDK cannot be loaded: pkg/__init__.py has a")


def test_path_naming_the_package_folder_itself_is_accepted(tmp_path: Path):
    package = tmp_path / "sdk" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Doc."""\n\ndef f() -> None:\n    """F."""\n')
    sdk = load_sdk(SdkSettings(package, "pkg"), tmp_path)
    assert sdk.loaded
    assert list(sdk.objects) == ["pkg.f"]
    assert sdk.objects["pkg.f"].file == "sdk/pkg/__init__.py"


def test_no_sdk_code_is_imported_or_run(tmp_path: Path):
    marker = tmp_path / "ran"
    package = tmp_path / "evil"
    package.mkdir()
    payload = (
        f'"""Evil."""\nopen({str(marker)!r}, "w").write("x")\nraise SystemExit(3)\n\n\n'
        'def f() -> None:\n    """F."""\n'
    )
    (package / "__init__.py").write_text(payload)
    (package / "sub.py").write_text(payload)
    # A compiled extension is never imported to read it (griffe would have to, to inspect).
    (package / "native.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF not really")
    sdk = load_sdk(SdkSettings(tmp_path, "evil"), tmp_path)
    assert sdk.loaded
    assert not marker.exists()
    assert "evil.f" in sdk.objects
    assert "evil.sub.f" in sdk.objects
    assert messages(sdk) == [
        (
            "evil/native.cpython-311-x86_64-linux-gnu.so is a compiled module; static analysis "
            "cannot read it"
        )
    ]


def test_links_outside_the_source_are_not_followed(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text('"""Secret."""\n\nTOKEN = "hunter2"\n')
    (outside / "pkgdir").mkdir()
    (outside / "pkgdir" / "mod.py").write_text('"""Other."""\n')
    root = tmp_path / "repo"
    package = root / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Pkg."""\n')
    (package / "leak.py").symlink_to(outside / "secret.py")
    (package / "linked").symlink_to(outside / "pkgdir", target_is_directory=True)
    sdk = load_sdk(SdkSettings(root, "pkg"), root)
    assert [m.path for m in sdk.modules] == ["pkg"]
    assert messages(sdk) == ["pkg/leak.py links outside the source and is not read"]


def test_limits_cut_work_and_say_so(tmp_path: Path, bad_root: Path):
    few_members = load_fixture("google", max_members=2)
    assert "petstore has 7 public names; only the first 2 are documented" in messages(few_members)
    assert "petstore.models.Pet has 5 public members; only the first 2 are documented" in (
        messages(few_members)
    )
    assert [o.name for o in few_members.modules[0].objects] == ["ApiError", "AsyncPetClient"]
    assert [m.name for m in few_members.objects["petstore.models.Pet"].members] == ["id", "name"]
    few_objects = load_fixture("google", max_objects=3)
    assert "The SDK has more than 3 public objects; the rest are not documented" in (
        messages(few_objects)
    )
    assert len(few_objects.objects) == 3
    few_modules = load_fixture("numpy", max_modules=2)
    assert [m for m in messages(few_modules) if "modules" in m] == [
        "The SDK has more than 2 modules; 2 were not loaded, the deepest first"
    ]
    nested = tmp_path / "nest"
    nested.mkdir()
    (nested / "__init__.py").write_text(
        '"""N."""\n\n\nclass A:\n    """A."""\n\n    class B:\n        """B."""\n\n'
        '        class C:\n            """C."""\n\n            def deep(self) -> None:\n'
        '                """Deep."""\n'
    )
    shallow = load_sdk(SdkSettings(tmp_path, "nest"), tmp_path, SdkLimits(max_depth=1))
    assert "nest.A.B is nested 1 classes deep; its members are not documented" in (
        messages(shallow)
    )
    assert "nest.A.B.C" not in shallow.objects


def test_griffe_warnings_become_findings_never_log_records(caplog, tmp_path: Path):
    caplog.set_level(logging.DEBUG)
    # mkdocstrings routes griffe's logger into `mkdocs.plugins.*`, where `--strict` counts
    # warnings: capture must work whoever patched it.
    griffe.patch_loggers(lambda name: logging.getLogger(f"mkdocs.plugins.{name}"))
    try:
        sdk = load_fixture("google")
    finally:
        griffe.patch_loggers(logging.getLogger)
    adopt = sdk.objects["petstore._client.Pets.adopt"].docstring
    assert adopt is not None
    assert adopt.warnings  # the warning was caught ...
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []  # ... not logged
    # Other threads (and this one, outside a capture) still reach griffe's logger.
    caplog.clear()

    def other() -> None:
        griffe.logger.warning("from another thread")

    with capture_griffe() as caught:
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        griffe.logger.warning("from this thread")
    assert caught == ["from this thread"]
    assert [r.getMessage() for r in caplog.records] == ["from another thread"]


# -- links between operations and methods ----------------------------------------------------


def test_name_forms():
    assert words("listPets") == ["list", "pets"]
    assert words("get_pet") == ["get", "pet"]
    assert words("HTTPStatus.sendEmail") == ["http", "status", "send", "email"]
    assert [stem(w) for w in ("pets", "categories", "addresses", "status", "statuses")] == [
        "pet",
        "category",
        "address",
        "status",
        "status",
    ]
    assert name_key(["list", "pets", "pets", "v", "2"]) == ("list", "pet", "v")


@pytest.fixture(scope="module")
def pet_api() -> ApiModel:
    return op_spec(
        {
            "/pets": {
                "get": {"operationId": "listPets"},
                "post": {"operationId": "createPet"},
            },
            "/pets/{id}": {
                "get": {"operationId": "getPet"},
                "put": {"operationId": "updatePet"},
                "delete": {
                    "operationId": "deletePet",
                    "x-sdk-method": "petstore.PetClient.pets.delete",
                },
            },
            "/pets/{id}/adopt": {
                "post": {"operationId": "adoptPet", "x-sdk-method": "petstore.Nope.adopt"}
            },
            "/health": {"get": {}},
        }
    )


def test_links_google_both_ways_and_coverage(google: SdkModel, pet_api: ApiModel):
    links = link_operations(pet_api, [google], spec_path="openapi.yaml")
    assert linked_paths(links, op_named(pet_api, "listPets")) == [
        ("petstore._client.Pets.list", "docstring")
    ]
    assert linked_paths(links, op_named(pet_api, "createPet")) == [
        ("petstore._client.Pets.create", "name")
    ]
    assert linked_paths(links, op_named(pet_api, "getPet")) == [
        ("petstore._client.Pets.get", "name"),
        ("petstore.get_pet", "name"),
    ]
    # Through the client's `pets` property to the method of the class it returns.
    assert linked_paths(links, op_named(pet_api, "deletePet")) == [
        ("petstore._client.Pets.delete", "x-sdk-method")
    ]
    # A marker naming nothing is a finding, and the operation is not guessed for.
    assert linked_paths(links, op_named(pet_api, "adoptPet")) == []
    (finding,) = links.findings
    assert (finding.rule, finding.severity, finding.file, finding.pointer, finding.symbol) == (
        "sdk-link",
        "warn",
        "openapi.yaml",
        "#/paths/~1pets~1{id}~1adopt/post/x-sdk-method",
        "petstore.Nope.adopt",
    )
    # The other way round.
    assert [op.operation_id for op in links.operations_for("petstore", "petstore.get_pet")] == [
        "getPet"
    ]
    assert links.operations_for("petstore", "petstore.PetClient.close") == []
    assert links.coverage == pytest.approx(4 / 7)
    assert links.operations_without_method == ["updatePet", "adoptPet", "GET /health"]
    assert links.report() == {
        "coverage": 0.5714,
        "operations_without_method": ["updatePet", "adoptPet", "GET /health"],
    }


def test_marker_wins_over_names(google: SdkModel):
    api = op_spec(
        {"/pets": {"post": {"operationId": "createPet", "x-sdk-method": "petstore.get_pet"}}}
    )
    links = link_operations(api, [google])
    assert linked_paths(links, api.operations[0]) == [("petstore.get_pet", "x-sdk-method")]
    assert links.operations_for("petstore", "petstore._client.Pets.create") == []


def test_links_numpy_names_in_every_form(numpy_sdk: SdkModel):
    api = op_spec(
        {
            "/emails": {"post": {"operationId": "sendEmail"}, "get": {"operationId": "listEmails"}},
            "/emails/{id}": {
                "get": {"operationId": "get_email"},
                # Through `self.emails = Emails(...)`; the marker also keeps names away from
                # `Emails.cancel`, which would match `cancelEmail`.
                "delete": {
                    "operationId": "unschedule",
                    "x-sdk-method": "mailer.Mailer.emails.cancel",
                },
            },
            "/emails/{id}/cancel": {"post": {"operationId": "cancelEmail"}},
            "/templates": {"post": {"operationId": "TemplatesCreate"}},
            "/templates/{id}/render": {"post": {"operationId": "templates.render"}},
            "/bounces": {"get": {"operationId": "listBounces"}},
        }
    )
    links = link_operations(api, [numpy_sdk])
    expected = {
        "sendEmail": [("mailer.Emails.send", "name")],
        "listEmails": [("mailer.Emails.list", "name")],
        "get_email": [("mailer.Emails.get", "name")],
        "unschedule": [("mailer.Emails.cancel", "x-sdk-method")],
        "cancelEmail": [],
        "TemplatesCreate": [("mailer.Templates.create", "name")],
        "templates.render": [("mailer.Templates.render", "name")],
        "listBounces": [],
    }
    assert {op.operation_id: linked_paths(links, op) for op in api.operations} == expected
    assert links.findings == []
    assert links.operations_without_method == ["cancelEmail", "listBounces"]


def test_links_sphinx_docstring_mentions_and_attribute_chains(sphinx: SdkModel):
    api = op_spec(
        {
            "/payments/{id}/refund": {"post": {"operationId": "refundPayment"}},
            "/payments/{id}/capture": {"post": {"operationId": "capturePayment"}},
            "/invoices/{id}": {"get": {"operationId": "getInvoice"}},
            "/invoices/{id}/void": {
                "post": {
                    "operationId": "cancelInvoice",
                    "x-sdk-method": ["billing.BillingClient.invoices.void"],
                }
            },
            "/invoices/{id}/finalize": {"post": {"operationId": "finalizeInvoice"}},
        }
    )
    links = link_operations(api, [sphinx])
    assert {op.operation_id: linked_paths(links, op) for op in api.operations} == {
        "refundPayment": [("billing.Payments.refund", "docstring")],
        "capturePayment": [("billing.Payments.capture", "name")],
        "getInvoice": [("billing.Invoices.get_invoice", "name")],
        "cancelInvoice": [("billing.Invoices.void", "x-sdk-method")],
        "finalizeInvoice": [("billing.Invoices.finalize", "name")],
    }
    assert links.coverage == 1.0
    assert resolve_method(sphinx, "billing.client.BillingClient.invoices.get_invoice") is not None
    assert resolve_method(sphinx, "billing.BillingClient.invoices") is None  # not a method


def write_package(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_names_prefer_the_most_specific_match_and_ignore_urls(tmp_path: Path):
    method = '    def {0}(self) -> None:\n        """{1}"""\n'
    write_package(
        tmp_path,
        {
            "gen/__init__.py": '"""Generated."""\n',
            "gen/resources/__init__.py": "",
            "gen/resources/files.py": "class Files:\n"
            + method.format("list", "List.")
            + method.format("delete", "Delete."),
            "gen/resources/vector_stores/__init__.py": "",
            "gen/resources/vector_stores/files.py": "class Files:\n"
            + method.format("delete", "Delete.")
            + "\n\nclass FileBatches:\n"
            + method.format("list_files", "List files."),
            "gen/resources/chat/__init__.py": "",
            "gen/resources/chat/completions/__init__.py": "",
            "gen/resources/chat/completions/completions.py": "class Completions:\n"
            + method.format("create", "Create.")
            + "\n\nclass AsyncCompletions:\n"
            + method.format(
                "create", "Create; see [the docs](https://example.com/api/createTranscription)."
            ),
            "gen/resources/audio.py": "class Transcriptions:\n"
            + method.format("create", "Transcribe."),
        },
    )
    sdk = load_sdk(SdkSettings(tmp_path, "gen"), tmp_path)
    api = op_spec(
        {
            "/files": {"get": {"operationId": "listFiles"}},
            "/files/{id}": {"delete": {"operationId": "deleteFile"}},
            "/chat/completions": {"post": {"operationId": "createChatCompletion"}},
            "/audio/transcriptions": {"post": {"operationId": "createTranscription"}},
        }
    )
    links = link_operations(api, [sdk])
    assert {op.operation_id: linked_paths(links, op) for op in api.operations} == {
        # `vector_stores.files.Files.delete` and `FileBatches.list_files` say more than asked.
        "listFiles": [("gen.resources.files.Files.list", "name")],
        "deleteFile": [("gen.resources.files.Files.delete", "name")],
        # Module, module and class say `completions` once; `Async` says nothing.
        "createChatCompletion": [
            ("gen.resources.chat.completions.completions.AsyncCompletions.create", "name"),
            ("gen.resources.chat.completions.completions.Completions.create", "name"),
        ],
        # The operationId in a link's URL does not name the method holding the link.
        "createTranscription": [("gen.resources.audio.Transcriptions.create", "name")],
    }


def test_one_api_with_two_sdks(google: SdkModel, numpy_sdk: SdkModel):
    api = op_spec(
        {
            "/pets": {"get": {"operationId": "listPets"}},
            "/emails": {"post": {"operationId": "sendEmail"}},
        }
    )
    links = link_operations(api, [google, numpy_sdk])
    assert [
        (link.package, link.path) for op in api.operations for link in links.methods_for(op)
    ] == [
        ("petstore", "petstore._client.Pets.list"),
        ("mailer", "mailer.Emails.send"),
    ]
    assert links.coverage == 1.0


# -- the sdk checks -------------------------------------------------------------------------


def sdk_api(
    sdks: SdkModel | list[SdkModel], links: SdkLinks | None = None, model: ApiModel | None = None
) -> ApiEntry:
    """An API of these SDKs, its spec at `openapi.yaml`."""
    return ApiEntry(
        id="pets",
        source=Source(settings=SourceSettings(name="pets"), root=SDKS),
        spec_path="openapi.yaml",
        model=model or op_spec({}),
        sdks=[sdks] if isinstance(sdks, SdkModel) else sdks,
        sdk_links=links,
    )


def run_check(
    rule_id: str, sdks: SdkModel | list[SdkModel], links: SdkLinks | None = None
) -> CheckResult:
    """The tally of one rule of the registry on an API of these SDKs."""
    spec = all_rules()[rule_id]
    api = sdk_api(sdks, links)
    assert api.model is not None
    context = RuleContext(
        api=api, model=api.model, locate=api_locator(api), now=datetime.now(timezone.utc)
    )
    return spec.function(context.for_rule(rule_id, spec.severity))


def docstring_coverage(sdks: SdkModel | list[SdkModel]) -> CheckResult:
    return run_check("py-docstring-coverage", sdks)


def params_documented(sdks: SdkModel | list[SdkModel]) -> CheckResult:
    return run_check("py-params-documented", sdks)


def no_phantom_params(sdks: SdkModel | list[SdkModel]) -> CheckResult:
    return run_check("py-no-phantom-params", sdks)


def returns_raises(sdks: SdkModel | list[SdkModel]) -> CheckResult:
    return run_check("py-returns-raises", sdks)


def docstring_parses(sdks: SdkModel | list[SdkModel]) -> CheckResult:
    return run_check("py-docstring-parses", sdks)


def tally(check: CheckResult) -> tuple[int, int]:
    return check.applicable, check.passed


def symbols(check: CheckResult) -> list[str | None]:
    return [f.symbol for f in check.findings]


def test_rules_count_the_google_sdk(google: SdkModel, pet_api: ApiModel):
    coverage = docstring_coverage(google)
    # 2 modules and 17 classes, functions, methods and properties; `PetClient.close` lacks one.
    assert tally(coverage) == (19, 18)
    (missing,) = coverage.findings
    client_py = SDKS / "google_sdk/src/petstore/_client.py"
    assert (missing.rule, missing.severity, missing.finding_class, missing.symbol) == (
        "py-docstring-coverage",
        "warn",
        "sdk",
        "petstore.PetClient.close",
    )
    assert (missing.file, missing.line) == (
        "src/petstore/_client.py",
        line_of(client_py, "def close(self)"),
    )
    assert missing.message == "method petstore.PetClient.close has no docstring"

    params = params_documented(google)
    # PetClient 2/2, get_pet 1/1, Pets 0/1, list 2/2, create 1/2, get 1/1, delete 1/1,
    # adopt 0/1 (its Args section does not parse), Pet 4/4 (fields as attributes).
    assert tally(params) == (15, 12)
    assert [f.message for f in params.findings] == [
        "petstore._client.Pets: parameter client is not documented",
        "petstore._client.Pets.create: parameter tag is not documented",
        "petstore._client.Pets.adopt: parameter pet_id is not documented",
    ]

    phantom = no_phantom_params(google)
    assert tally(phantom) == (9, 8)
    assert [f.message for f in phantom.findings] == [
        (
            "petstore._client.Pets.create: the docstring documents species, which is not in the "
            "signature"
        )
    ]

    returns = returns_raises(google)
    # aclose, get_pet, list, get pass; create and delete raise undocumented exceptions,
    # adopt returns a value it does not describe.
    assert tally(returns) == (7, 4)
    assert [f.message for f in returns.findings] == [
        "petstore._client.Pets.create raises ValueError without a Raises entry",
        "petstore._client.Pets.delete raises ApiError without a Raises entry",
        "petstore._client.Pets.adopt returns a value but the docstring has no Returns section",
    ]

    parses = docstring_parses(google)
    assert tally(parses) == (20, 19)
    assert symbols(parses) == ["petstore._client.Pets.adopt"]
    assert parses.findings[0].line == line_of(client_py, "pet_id The pet's id, missing its colon.")
    assert parses.findings[0].severity == "info"

    links = link_operations(pet_api, [google], spec_path="openapi.yaml")
    operations = run_check("py-operation-coverage", google, links)
    assert tally(operations) == (7, 4)
    assert {(f.finding_class, f.symbol) for f in operations.findings} == {("sdk", None)}
    assert [(f.message, f.pointer, f.file) for f in operations.findings] == [
        (
            "PUT /pets/{id} (updatePet) has no SDK method",
            "#/paths/~1pets~1{id}/put",
            "openapi.yaml",
        ),
        (
            "POST /pets/{id}/adopt (adoptPet) has no SDK method",
            "#/paths/~1pets~1{id}~1adopt/post",
            "openapi.yaml",
        ),
        ("GET /health has no SDK method", "#/paths/~1health/get", "openapi.yaml"),
    ]


def test_rules_numpy_and_sphinx_details(numpy_sdk: SdkModel, sphinx: SdkModel):
    params = params_documented(numpy_sdk)
    missing = {f.symbol: f.message for f in params.findings}
    # Documented by a bare name without a description: not documented.
    assert missing["mailer.Templates.create"].endswith("parameter html is not documented")
    assert missing["mailer.Transport.request"].endswith(
        "parameters method, path, **params are not documented"
    )
    assert missing["mailer.utils.retry"].endswith("parameter times is not documented")
    assert "mailer.Emails.send" not in missing  # `**headers` documents **headers
    phantom = no_phantom_params(numpy_sdk)
    # `reply_to` in Other Parameters goes through **headers; `count` is not `times`.
    assert symbols(phantom) == ["mailer.utils.retry"]
    returns = returns_raises(numpy_sdk)
    failing = {f.symbol: f.message for f in returns.findings}
    assert failing == {
        "mailer.Emails.get": "mailer.Emails.get returns dict[str, str] but the docstring has "
        "no Returns section",
        "mailer.Transport.request": "mailer.Transport.request returns dict[str, object] but the "
        "docstring has no Returns section",
        "mailer.utils.retry": "mailer.utils.retry raises DeliveryError without a Raises entry",
    }
    # A generator documented with Yields passes.
    assert "mailer.Emails.list" not in failing

    sphinx_phantom = no_phantom_params(sphinx)
    assert [f.message for f in sphinx_phantom.findings] == [
        "billing.Invoices.void: the docstring documents notify, which is not in the signature"
    ]
    sphinx_parses = docstring_parses(sphinx)
    assert symbols(sphinx_parses) == ["billing.Invoices.finalize"]
    sphinx_returns = returns_raises(sphinx)
    assert {f.symbol for f in sphinx_returns.findings} == {"billing.Payments.refund"}


def test_rules_over_several_sdks_and_defaults(
    google: SdkModel, numpy_sdk: SdkModel, pet_api: ApiModel
):
    both = docstring_coverage([google, numpy_sdk])
    one, other = docstring_coverage(google), docstring_coverage(numpy_sdk)
    assert tally(both) == (one.applicable + other.applicable, one.passed + other.passed)
    settings = ScorecardSettings(rules={"py-params-documented": RuleSetting(severity="error")})
    card = score_api(sdk_api(google, link_operations(pet_api, [google]), pet_api), settings)
    checks = [c for c in card.checks if c.category == "sdk"]
    assert [c.id for c in checks] == list(SDK_RULES)
    assert {c.id: c.severity for c in checks} == {
        "py-docstring-coverage": "warn",
        "py-params-documented": "error",
        "py-no-phantom-params": "warn",
        "py-returns-raises": "info",
        "py-docstring-parses": "info",
        "py-operation-coverage": "warn",
    }
    assert checks[1].findings
    assert all(f.severity == "error" for f in checks[1].findings)
    assert all(f.finding_class == "sdk" for c in checks for f in c.findings)
    # Without links (no spec operations to hold the SDK against) coverage counts nothing.
    unlinked = score_api(sdk_api(google, None, pet_api))
    coverage = next(c for c in unlinked.checks if c.id == "py-operation-coverage")
    assert (coverage.applicable, coverage.ratio) == (0, None)
    empty = load_sdk(SdkSettings(Path("/nonexistent-sdk-path"), "x"), Path("/"))
    assert tally(docstring_coverage(empty)) == (0, 0)


def test_listing_is_capped_but_counting_is_exact(tmp_path: Path):
    package = tmp_path / "many"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""Many."""\n\n' + "".join(f"def f{i}() -> None: ...\n" for i in range(520))
    )
    sdk = load_sdk(SdkSettings(tmp_path, "many"), tmp_path)
    check = docstring_coverage(sdk)
    assert tally(check) == (521, 1)
    assert len(check.findings) == 500
    assert check.unlisted == 20
    assert check.listed("public objects")[-1].message == (
        "20 more failing public objects are not listed"
    )


# -- pages ---------------------------------------------------------------------------------------


class Rendered:
    """Every page of an SDK rendered with MkDocs' files and link resolver."""

    def __init__(self, tmp_path: Path, sdk: SdkModel, links: SdkLinks | None, **plan: Any) -> None:
        config_file = tmp_path / "mkdocs.yml"
        (tmp_path / "docs").mkdir(parents=True, exist_ok=True)
        config_file.write_text("site_name: Test\n", encoding="utf-8")
        config = load_config(str(config_file))
        self.config = config
        self.pages = plan_sdk_pages(sdk, "apis/pets/sdk/" + sdk.package, **plan)
        self.page_map = SdkPageMap(sdk, self.pages)
        # Generated files, as the plugin adds them (no source file behind them).
        self.files = Files(
            [File(p.src_uri, None, config.site_dir, use_directory_urls=True) for p in self.pages]
        )
        self.html: dict[str, str] = {}
        self.toc: dict[str, list[Any]] = {}
        self.url: dict[str, str] = {}
        self.op_hrefs: list[str] = []

        def operation_href(op: Operation) -> str:
            href = f"/apis/pets/#{op.anchor}"
            self.op_hrefs.append(href)
            return href

        for plan_page in self.pages:
            file = self.files.get_file_from_path(plan_page.src_uri)
            assert file is not None
            page = Page(plan_page.title, file, config)
            html, toc = render_sdk_page(
                sdk,
                plan_page,
                _MkDocsLinks(page, self.files),
                page_map=self.page_map,
                sdk_links=links,
                operation_href=operation_href,
                source_href=lambda path, line: f"https://git.example/blob/main/{path}#L{line}",
                toc=PageToc(),
            )
            self.html[plan_page.src_uri] = str(html)
            self.toc[plan_page.src_uri] = toc
            self.url[file.url] = plan_page.src_uri

    def soup(self, page: SdkPage | str) -> BeautifulSoup:
        uri = page if isinstance(page, str) else page.src_uri
        return BeautifulSoup(self.html[uri], "html.parser")

    def uri(self, kind: str, path: str) -> str:
        return next(p.src_uri for p in self.pages if p.kind == kind and p.path == path)

    def follow(self, from_uri: str, href: str) -> tuple[str, str]:
        """(src_uri, fragment) of the page an href reaches; fails when it reaches none."""
        file = self.files.get_file_from_path(from_uri)
        assert file is not None
        target = urlsplit(urljoin("/" + file.url, href))
        uri = self.url.get(target.path.lstrip("/"))
        assert uri is not None, f"{href} from {from_uri} reaches no SDK page"
        return uri, target.fragment


@pytest.fixture
def google_pages(tmp_path: Path, google: SdkModel, pet_api: ApiModel) -> Rendered:
    return Rendered(tmp_path, google, link_operations(pet_api, [google]))


def test_plan_one_page_per_module_and_the_index(google: SdkModel):
    pages = plan_sdk_pages(google, "apis/pets/sdk/petstore")
    assert [(p.src_uri, p.title, p.kind, p.in_nav) for p in pages] == [
        ("apis/pets/sdk/petstore/index.md", "petstore SDK", "index", True),
        ("apis/pets/sdk/petstore/petstore/index.md", "petstore", "module", True),
        ("apis/pets/sdk/petstore/petstore.models/index.md", "petstore.models", "module", False),
    ]
    split = plan_sdk_pages(google, "base", split_over=2)
    assert [p.src_uri for p in split if p.kind == "class"] == [
        "base/petstore.ApiError/index.md",
        "base/petstore.AsyncPetClient/index.md",
        "base/petstore.NotFoundError/index.md",
        "base/petstore.PetClient/index.md",
        "base/petstore._client.Pets/index.md",
    ]


def test_every_link_between_sdk_pages_reaches_its_target(google_pages: Rendered):
    checked = 0
    for uri, html in google_pages.html.items():
        for a in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            href = a["href"]
            if href.startswith(("https://", "/apis/pets/#", "#")):
                continue
            target, fragment = google_pages.follow(uri, href)
            if fragment:
                assert google_pages.soup(target).find(id=fragment) is not None, (uri, href)
            checked += 1
    assert checked > 20
    assert "/apis/pets/#op-listpets" in google_pages.op_hrefs


def test_module_page_shows_signatures_parameters_returns_examples(google_pages: Rendered):
    soup = google_pages.soup(google_pages.uri("module", "petstore"))
    block = soup.find(attrs={"data-path": "petstore._client.Pets.list"})
    assert block is not None
    heading = block.find("h3")
    assert heading["id"] == "petstore._client.Pets.list"
    assert "method list" in heading.get_text(" ", strip=True)
    signature = block.find(class_="mp-sdk-signature").get_text()
    assert (
        "def list(limit: int | None = None, *, status: str = 'available') -> list[Pet]" in signature
    )
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in block.find(class_="mp-sdk-params").find("tbody").find_all("tr")
    ]
    assert rows == [
        ["limit", "int | None", "None", "How many pets to return at most."],
        ["status", "str", "'available'", "Only pets in this status."],
    ]
    returns = block.find(class_="mp-sdk-items").get_text(" ", strip=True)
    assert "list[Pet]" in returns
    assert "The pets, newest first." in returns
    example = block.find(class_="mp-sdk-examples")
    assert 'client = PetClient("https://petstore.example")' in example.find("code").get_text()
    calls = block.find(class_="mp-sdk-operations")
    assert calls.find("a")["href"] == "/apis/pets/#op-listpets"
    assert "GET /pets listPets" in calls.get_text(" ", strip=True)
    source = block.find(class_="mp-sdk-source")
    assert source["href"].startswith("https://git.example/blob/main/src/petstore/_client.py#L")
    # Overloads, deprecation, the class reached through a property, the public rule.
    get = soup.find(attrs={"data-path": "petstore._client.Pets.get"})
    assert get.find(class_="mp-sdk-overloads").get_text().count("@overload") == 2
    adopt = soup.find(attrs={"data-path": "petstore._client.Pets.adopt"})
    assert "Use the adoption service instead." in adopt.find(class_="mp-deprecation").get_text()
    pets = soup.find(attrs={"data-path": "petstore._client.Pets"})
    assert "reached through petstore.PetClient.pets" in pets.find(class_="mp-sdk-reached").get_text(
        " ", strip=True
    )
    assert "listed in __all__" in soup.find(class_="mp-sdk-public-by").get_text()
    assert (
        soup.find(class_="mp-sdk-reexports").get_text(" ", strip=True).count("petstore.models.")
        == 2
    )
    toc = google_pages.toc[google_pages.uri("module", "petstore")]
    pets_entry = next(e for e in toc if e.id == "petstore._client.Pets")
    assert [c.id for c in pets_entry.children][:2] == [
        "petstore._client.Pets.list",
        "petstore._client.Pets.create",
    ]


def test_enum_members_and_dataclass_fields_are_tables(google_pages: Rendered):
    soup = google_pages.soup(google_pages.uri("module", "petstore.models"))
    status = soup.find(attrs={"data-path": "petstore.models.PetStatus"})
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in status.find(class_="mp-sdk-attributes").find("tbody").find_all("tr")
    ]
    assert rows[0] == ["AVAILABLE", "", "'available'", "The pet can be adopted."]
    assert status.find(id="petstore.models.PetStatus.SOLD") is not None
    pet = soup.find(attrs={"data-path": "petstore.models.Pet"})
    params = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in pet.find(class_="mp-sdk-params").find("tbody").find_all("tr")
    ]
    assert params[0] == ["id", "int", "required", "Unique id."]
    assert params[3] == ["tags", "list[str]", "list()", "Free-form labels."]


def test_attribute_tables_merge_docstring_and_members(google_pages: Rendered):
    soup = google_pages.soup(google_pages.uri("module", "petstore"))
    error = soup.find(attrs={"data-path": "petstore.ApiError"})
    # The class docstring's Attributes section describes the member: one table, not two.
    assert len(error.find_all(class_="mp-sdk-attributes")) == 1
    assert error.find(class_="mp-sdk-items") is None
    rows = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in error.find(class_="mp-sdk-attributes").find("tbody").find_all("tr")
    ]
    assert rows == [["status", "int", "500", "The HTTP status code."]]
    client = soup.find(attrs={"data-path": "petstore.PetClient"})
    values = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in client.find(class_="mp-sdk-attributes").find("tbody").find_all("tr")
    ]
    assert values == [["base_url", "", "", ""], ["timeout", "", "", ""]]  # `self.x = x`


def test_index_lists_every_public_object_and_coverage(google_pages: Rendered, google: SdkModel):
    soup = google_pages.soup(google_pages.uri("index", "petstore"))
    listed = [
        tr.find("td").get_text(strip=True)
        for tr in soup.find(class_="mp-sdk-objects").find("tbody").find_all("tr")
    ]
    assert "petstore._client.Pets.list" in listed
    assert "petstore.models.Pet.label" in listed
    assert "petstore.models.PetStatus.SOLD" not in listed  # class attributes are on the class
    assert listed == sorted(listed, key=str.lower)
    assert len(listed) == 19
    coverage = soup.find(class_="mp-sdk-coverage").get_text(" ", strip=True)
    assert "Docstrings: 18 of 19" in coverage
    assert "Operations with an SDK method: 4 of 7" in coverage
    uncovered = soup.find(class_="mp-sdk-uncovered").get_text(" ", strip=True)
    assert "updatePet" in uncovered
    assert "GET /health" in uncovered
    rule = soup.find(class_="mp-sdk-public-rule")
    assert " ".join(rule.get_text().split()) == google.public_rule.replace("`", "")
    assert [c.get_text() for c in rule.find_all("code")][:2] == ["__all__", "__all__"]
    assert "19 public objects" in soup.find(class_="mp-meta").get_text()


def test_docstrings_are_sanitized_no_script_survives(
    tmp_path: Path, google: SdkModel, numpy_sdk: SdkModel
):
    for sdk in (google, numpy_sdk):
        pages = Rendered(tmp_path / sdk.package, sdk, None)
        for uri, html in pages.html.items():
            assert "<script" not in html.lower(), uri
            assert "alert('adopt')" not in html, uri  # the script's body is gone too
            for tag in BeautifulSoup(html, "html.parser").find_all(True):
                for name, value in tag.attrs.items():
                    assert not name.lower().startswith("on"), (uri, tag)
                    if name in ("href", "src"):
                        assert not str(value).strip().lower().startswith("javascript:"), (uri, tag)
    templates = Rendered(tmp_path / "templates", numpy_sdk, None).soup(
        "apis/pets/sdk/mailer/mailer/index.md"
    )
    described = templates.find(attrs={"data-path": "mailer.Templates"}).find(class_="mp-sdk-text")
    assert described.find("img") is not None  # the image stays, without its handler
    assert described.find("a") is None  # a javascript: link is left as text
    adopt = Rendered(tmp_path / "again", google, None).soup(
        "apis/pets/sdk/petstore/petstore/index.md"
    )
    text = adopt.find(attrs={"data-path": "petstore._client.Pets.adopt"}).find(class_="mp-sdk-text")
    assert " ".join(text.get_text().split()) == "Adopt a pet and {{ 7*7 }}."


def test_big_modules_give_classes_their_own_pages(tmp_path: Path, google: SdkModel):
    pages = Rendered(tmp_path, google, None, split_over=2)
    module = pages.soup(pages.uri("module", "petstore"))
    table = module.find(class_="mp-sdk-classes")
    hrefs = [a["href"] for a in table.find_all("a")]
    assert len(hrefs) == 5
    for href in hrefs:
        target, fragment = pages.follow(pages.uri("module", "petstore"), href)
        assert fragment == ""
        assert pages.soup(target).find(attrs={"data-path": True}) is not None
    # The function stays on the module page; classes are not repeated there.
    assert module.find(attrs={"data-path": "petstore.get_pet"}) is not None
    assert module.find(attrs={"data-path": "petstore.PetClient"}) is None
    client = pages.soup(pages.uri("class", "petstore.PetClient"))
    assert client.find(attrs={"data-path": "petstore.PetClient.pets"}) is not None


def test_operation_pages_link_back_to_methods(tmp_path: Path, google: SdkModel, pet_api: ApiModel):
    links = link_operations(pet_api, [google])
    pages = Rendered(tmp_path, google, links)
    file = pages.files.get_file_from_path(pages.uri("index", "petstore"))
    assert file is not None
    html = operation_sdk_html(
        op_named(pet_api, "getPet"),
        links,
        {"petstore": pages.page_map},
        _MkDocsLinks(Page("x", file, pages.config), pages.files),
    )
    anchors = BeautifulSoup(str(html), "html.parser").find_all("a")
    assert [a.get_text() for a in anchors] == ["petstore.get_pet", "petstore._client.Pets.get"]
    for a in anchors:
        target, fragment = pages.follow(pages.uri("index", "petstore"), a["href"])
        assert pages.soup(target).find(id=fragment) is not None
    assert str(operation_sdk_html(op_named(pet_api, "updatePet"), links, {}, None)) == ""  # type: ignore[arg-type]


def test_bad_sdk_pages_render_with_their_problems(bad_root: Path, tmp_path: Path):
    sdk = load_bad(bad_root)
    pages = Rendered(tmp_path, sdk, None)
    index = pages.soup(pages.uri("index", "broken"))
    problems = index.find(class_="mp-findings").get_text(" ", strip=True)
    assert "syntax error" in problems
    module = pages.soup(pages.uri("module", "broken"))
    reexports = module.find(class_="mp-sdk-reexports").get_text(" ", strip=True)
    assert "go round in a circle" in reexports
    assert "missing_dependency.Gone (outside the SDK)" in reexports
    missing = load_sdk(SdkSettings(tmp_path / "nowhere", "gone"), tmp_path)
    empty = Rendered(tmp_path / "empty", missing, None)
    assert [p.kind for p in empty.pages] == ["index"]
    failure = empty.soup(empty.pages[0])
    assert "could not be loaded" in failure.get_text()
    assert "does not exist" in failure.find(class_="mp-findings").get_text()


def test_page_functions_do_not_need_a_toc(google: SdkModel):
    pages = plan_sdk_pages(google, "x")

    class Plain:
        def page(self, src_uri: str, anchor: str | None = None) -> str:
            return src_uri + (f"#{anchor}" if anchor else "")

    html, toc = render_sdk_page(
        google, pages[1], Plain(), page_map=SdkPageMap(google, pages), toc=PageToc()
    )
    assert "petstore.get_pet" in str(html)
    assert [entry.id for entry in toc][:2] == ["sdk-submodules", "petstore.ApiError"]


def test_git_cannot_read_a_checkout_while_an_sdk_loads(tmp_path):
    import os
    import subprocess

    from mkdocs_platform.sdk.load import _without_git

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)

    def toplevel() -> int:
        return subprocess.run(
            ["git", "-C", str(tmp_path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            check=False,
        ).returncode

    assert toplevel() == 0
    with _without_git():
        # What griffe asks git while loading: here git finds no repository at all.
        assert toplevel() != 0
    assert toplevel() == 0
    assert "GIT_DIR" not in os.environ
