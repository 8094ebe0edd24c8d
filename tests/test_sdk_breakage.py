"""SDK API breakages between two versions of a real package written in `tmp_path`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_platform.models.sdk import SdkSettings
from mkdocs_platform.sdk.breakage import (
    SdkUnavailableError,
    sdk_breakages,
    sdk_breakages_from_surface,
    sdk_breakages_since,
    sdk_surface,
)

from .conftest import EXAMPLE_SITE, write_files

SETTINGS = SdkSettings(path=Path("sdk"), package="payments_sdk")

INIT = '''"""Payments."""
from payments_sdk._client import Client, refund

__all__ = ["Client", "refund", "ping", "VERSION"]

VERSION = "1"


def ping(host, timeout=5):
    """Ping."""
'''

CLIENT = '''"""The client."""


class Client:
    def __init__(self, token):
        self.token = token

    def pay(self, amount, currency="EUR"):
        """Pay."""

    def _internal(self, anything):
        pass


def refund(payment_id):
    """Refund."""
'''


def _package(root: Path, init: str = INIT, client: str = CLIENT) -> Path:
    return write_files(
        root, {"sdk/payments_sdk/__init__.py": init, "sdk/payments_sdk/_client.py": client}
    )


@pytest.fixture
def old(tmp_path) -> Path:
    return _package(tmp_path / "old")


def _messages(changes) -> dict[str, str]:
    return {c.message: c.id for c in changes}


def test_an_unchanged_package_has_no_breakages(tmp_path, old):
    new = _package(tmp_path / "new")
    assert sdk_breakages(old, new, SETTINGS) == ()


def test_a_removed_function_is_a_breakage(tmp_path, old):
    new = _package(
        tmp_path / "new",
        init=INIT.replace(", refund", "").replace('"refund", ', ""),
        client=CLIENT.split("def refund", maxsplit=1)[0],
    )
    changes = sdk_breakages(old, new, SETTINGS)
    assert _messages(changes) == {"payments_sdk.refund: it was removed": "sdk-object-removed"}
    (change,) = changes
    assert change.level == "error"
    assert change.old_pointer == "payments_sdk.refund"
    assert change.new_pointer == ""


def test_a_removed_parameter_is_a_breakage(tmp_path, old):
    new = _package(
        tmp_path / "new", client=CLIENT.replace("def pay(self, amount,", "def pay(self,")
    )
    messages = _messages(sdk_breakages(old, new, SETTINGS))
    assert (
        messages["payments_sdk.Client.pay: the parameter 'amount' was removed"]
        == "sdk-parameter-removed"
    )
    # Its positional neighbour moved up: a call passing both by position now misreads them.
    assert (
        messages["payments_sdk.Client.pay: the positional parameter 'currency' changed position"]
        == "sdk-parameter-moved"
    )


def test_a_new_required_parameter_is_a_breakage(tmp_path, old):
    new = _package(tmp_path / "new", init=INIT.replace("def ping(host,", "def ping(host, port,"))
    messages = _messages(sdk_breakages(old, new, SETTINGS))
    assert (
        messages["payments_sdk.ping: the required parameter 'port' was added"]
        == "sdk-parameter-added-required"
    )


def test_a_changed_default_is_a_breakage(tmp_path, old):
    new = _package(tmp_path / "new", init=INIT.replace("timeout=5", "timeout=30"))
    changes = sdk_breakages(old, new, SETTINGS)
    assert _messages(changes) == {
        "payments_sdk.ping: the default of the parameter 'timeout' changed from 5 to 30": (
            "sdk-parameter-changed-default"
        )
    }
    assert changes[0].old_pointer == changes[0].new_pointer == "payments_sdk.ping"


def test_a_private_member_may_change_freely(tmp_path, old):
    new = _package(tmp_path / "new", client=CLIENT.replace("_internal(self, anything)", "_x(self)"))
    assert sdk_breakages(old, new, SETTINGS) == ()


def test_a_syntax_error_is_a_clear_error_not_a_traceback(tmp_path, old):
    new = _package(tmp_path / "new", init="def broken(:\n")
    with pytest.raises(SdkUnavailableError) as caught:
        sdk_breakages(old, new, SETTINGS)
    message = str(caught.value)
    assert message.startswith("the newer SDK: payments_sdk could not be loaded")
    assert "Traceback" not in message


def test_a_missing_package_is_a_clear_error(tmp_path, old):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SdkUnavailableError, match="the older SDK: the package payments_sdk"):
        sdk_breakages(empty, old, SETTINGS)


def test_an_sdk_path_leaving_the_tree_is_refused(tmp_path, old):
    outside = SdkSettings(path=Path("../old/sdk"), package="payments_sdk")
    with pytest.raises(SdkUnavailableError, match="leaves the checkout"):
        sdk_breakages(tmp_path / "new", old, outside)


def test_a_kept_surface_finds_the_same_breakages(tmp_path, old):
    new = _package(
        tmp_path / "new",
        init=INIT.replace("timeout=5", "timeout=30"),
        client=CLIENT.replace("def pay(self, amount,", "def pay(self,"),
    )
    from_trees = sdk_breakages(old, new, SETTINGS)
    # Kept as JSON text between builds: what it is read back from.
    kept = json.loads(json.dumps(sdk_surface(old, SETTINGS)))
    assert sdk_breakages_since(kept, new, SETTINGS) == from_trees
    assert sdk_breakages_from_surface(kept, sdk_surface(new, SETTINGS)) == from_trees
    assert len(from_trees) == 3
    assert sdk_breakages_from_surface(kept, kept) == ()


def test_a_surface_keeps_no_docstrings(old):
    text = json.dumps(sdk_surface(old, SETTINGS))
    assert "Refund." not in text
    assert '"refund"' in text


def test_a_damaged_surface_is_a_clear_error(old):
    kept = sdk_surface(old, SETTINGS)
    for damaged in (None, {"format": 999}, {**kept, "module": {"kind": "module"}}, "text"):
        with pytest.raises(SdkUnavailableError, match="earlier build"):
            sdk_breakages_from_surface(damaged, kept)


def test_the_example_sdk_surface_is_small():
    root = EXAMPLE_SITE / "services" / "payments"
    settings = SdkSettings(path=Path("sdk/python"), package="acme_payments")
    surface = sdk_surface(root, settings)
    assert len(json.dumps(surface)) < 40_000
    assert sdk_breakages_from_surface(surface, surface) == ()
