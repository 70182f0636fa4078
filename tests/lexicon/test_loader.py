"""The lexicon loader: every data file parses, every group names its source, terms are typed."""

from __future__ import annotations

from pathlib import Path

import pytest

import lexicon
from lexicon import LexiconError, Term

DATA = Path(lexicon.__file__).resolve().parent / "data"


@pytest.mark.parametrize("name", sorted(p.stem for p in DATA.glob("*.toml")))
def test_every_file_parses_and_every_group_has_a_source(name: str) -> None:
    table = lexicon.table(name)
    sections = [k for k, v in table.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    assert sections, f"{name}.toml has no [[group]] sections"
    for section in sections:
        if all("terms" in g for g in table[section]):
            found = lexicon.terms(name, section)
            assert found and all(isinstance(t, Term) and t.source for t in found)


def test_carriers_normalise_to_short_names() -> None:
    by_text = {t.text: t.value for t in lexicon.terms("carriers")}
    assert by_text["顺丰速运"] == "顺丰" and by_text["ems"] == "邮政"


def test_missing_file_is_a_clear_error() -> None:
    with pytest.raises(LexiconError, match="no lexicon file"):
        lexicon.terms("no-such-file")


def test_group_without_source_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.toml").write_text('[[group]]\nterms = ["x"]\n', encoding="utf-8")
    monkeypatch.setattr(lexicon, "_DATA", tmp_path)
    lexicon.table.cache_clear()
    lexicon.terms.cache_clear()
    try:
        with pytest.raises(LexiconError, match="has no source"):
            lexicon.terms("bad")
    finally:
        lexicon.table.cache_clear()
        lexicon.terms.cache_clear()
