"""The README's commands: what it tells a newcomer to run must be what works."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from mkdocs_platform.cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """The README's text under a `##`/`###` heading, up to the next such heading."""
    text = README.read_text(encoding="utf-8")
    match = re.search(
        rf"^#{{2,}} {re.escape(title)}\n(.*?)(?=^#{{2,}} )", text, re.DOTALL | re.MULTILINE
    )
    assert match is not None, title
    return match.group(1)


def shell_lines(text: str) -> list[str]:
    """The commands of the ```bash blocks in `text`, comments dropped."""
    blocks = re.findall(r"```bash\n(.*?)```", text, re.DOTALL)
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line]


def test_the_opening_commands_stay():
    opening = README.read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert shell_lines(opening) == ["python3 dev.py serve", "python3 dev.py test"]


def test_installing_says_how_to_without_a_release_on_pypi():
    commands = shell_lines(section("Using it"))
    # Not on PyPI yet: the release name alone installs nothing.
    assert "pip install mkdocs-platform" not in commands
    assert "pip install /path/to/mkdocs-platform" in commands
    assert any(c.startswith('pip install "git+https://') for c in commands)
    assert any(c.startswith("pip wheel ") for c in commands)
    assert any(c.startswith("pip install dist/mkdocs_platform-") for c in commands)
    assert "`pip install mkdocs-platform` will install the release" in section("Using it")


def test_every_check_option_the_readme_names_exists():
    text = section("Checking a repository without building a site")
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-v)\b", text))
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    check = commands.choices["check"]
    known = {option for action in check._actions for option in action.option_strings}
    assert {"--findings", "--severity", "-v", "--verbose"} <= named
    assert named <= known, named - known


def test_the_bundle_workflows_use_only_options_that_exist():
    text = section("Many repositories: services publish bundles, the portal assembles them")
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)\b", text))
    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    check = commands.choices["check"]
    known = {option for action in check._actions for option in action.option_strings}
    assert {"--bundle", "--config", "--storage-option"} <= named
    # `--force` is the option of `mkdocs gh-deploy` in the portal's workflow.
    assert named - {"--force"} <= known, named - known
    # Both workflows install the extra their storage needs.
    assert text.count("mkdocs-platform[s3] @ git+https://") == 2
