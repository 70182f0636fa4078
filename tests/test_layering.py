"""Each package imports only what ARCHITECTURE.md allows (its "may import" column)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["models", "lexicon", "storage", "capture", "transcribe", "claims", "index", "evidence", "desk"]
OURS = {*PRODUCT, "pipeline", "api", "evals", "scripts", "tests"}
# ../shared/ARCHITECTURE.md's "may import" column, row by row
ALLOWED: dict[str, set[str]] = {
    "models": set(),
    "lexicon": set(),
    "storage": {"models"},
    "capture": {"models", "storage"},
    "transcribe": {"models", "lexicon"},
    "claims": {"models", "lexicon"},
    "index": {"models", "storage", "lexicon"},
    "evidence": {"models", "storage", "capture"},
    "desk": {"models", "storage", "evidence", "lexicon"},
    "pipeline": set(PRODUCT),  # "all of the above": never api, evals, scripts or tests
    "api": {"models", "pipeline"},
    "evals": OURS - {"evals", "tests"},  # anything of the product (a test is not a library)
    "scripts": OURS - {"scripts", "tests"},
    "tests": OURS - {"tests"},
}


def _imports(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {(a.name.split(".")[0], node.lineno) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


def violations(root: Path, package: str) -> list[str]:
    """`path:line imports X` for every import in `package` of one of our packages it may not use."""
    return [
        f"{path.relative_to(root)}:{line} imports {name}"
        for path in sorted((root / package).rglob("*.py"))
        for name, line in _imports(path)
        if name in OURS and name != package and name not in ALLOWED[package]
    ]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_may(package: str) -> None:
    wrong = violations(ROOT, package)
    assert not wrong, "\n".join(wrong)


def test_every_top_level_package_is_in_the_table() -> None:
    found = {p.parent.name for p in ROOT.glob("*/__init__.py")} | {"scripts"}
    assert found <= set(ALLOWED), sorted(found - set(ALLOWED))


@pytest.mark.parametrize(
    ("package", "line", "caught"),
    [
        ("api", "from storage.accounts import AccountsCatalog", True),  # past the composition root
        ("api", "import desk.tickets", True),
        ("capture", "from pipeline.settings import Settings", True),  # a stage reading settings
        ("models", "from storage.catalog import Catalog", True),
        ("pipeline", "from evals.sample import score_claims", True),  # the product on its evaluation
        ("evidence", "    from desk import tickets  # a function-local import", True),
        ("api", "from pipeline.services import Services", False),
        ("evals", "from pipeline.services import Services", False),
    ],
)
def test_a_deliberate_violation_is_caught(tmp_path: Path, package: str, line: str, caught: bool) -> None:
    """The checker, on a copy of the tree with one import added, names exactly that import."""
    shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    bad = tmp_path / package / "_deliberate.py"
    bad.write_text(f"def f() -> None:\n{line}\n" if line.startswith("    ") else f"{line}\n", encoding="utf-8")
    wrong = violations(tmp_path, package)
    assert bool(wrong) is caught and all(w.startswith(f"{package}/_deliberate.py:") for w in wrong), wrong
