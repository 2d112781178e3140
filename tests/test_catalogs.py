"""The message catalogs are complete: every message in the code is in the template, and every language's catalog
translates every one of them, none fuzzy, with the same placeholders (``make catalogs-update`` then translate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from liaison import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "lazy_gettext": None,
    "N_": None,  # a lazy_gettext alias, as Babel's own default keywords have it
    "lazy_pgettext": ((1, "c"), 2),
}


def _key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    return context, message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def template() -> Catalog:
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as f:
        return read_po(f)


def test_the_template_holds_every_message_in_the_code(template: Catalog) -> None:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    in_code = {
        _key(message, context)
        for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "src" / "liaison"), method_map, options_map, keywords=KEYWORDS
        )
    }
    in_template = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    missing = sorted(in_code - in_template, key=str)
    assert not missing, f"{len(missing)} messages are not in messages.pot (run `make catalogs-update`): {missing[:10]}"


@pytest.mark.parametrize("code", i18n.TRANSLATED)
def test_each_catalog_translates_every_message(template: Catalog, code: str) -> None:
    po = i18n.LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=code)
    problems: list[str] = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        label = message.id if isinstance(message.id, str) else message.id[0]
        if found is None:
            problems.append(f"missing: {label!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        elif not all(found.string) if isinstance(found.string, tuple) else not found.string:
            problems.append(f"untranslated: {label!r}")
    for message, errors in catalog.check():
        problems.extend(f"{message.id!r}: {error}" for error in errors)
    assert not problems, f"{po.relative_to(ROOT)}: {len(problems)} problems, first: {problems[:15]}"


@pytest.mark.parametrize("code", i18n.TRANSLATED)
def test_plural_forms_follow_the_language(code: str) -> None:
    po = i18n.LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=code)
    expected = {"ar": 6, "ru": 3, "zh": 1, "fr": 2, "es": 2, "pt": 2}[code]
    assert catalog.num_plurals == expected
    for message in catalog:
        if message.pluralizable and message.string:
            assert len(message.string) == expected, message.id


def test_no_message_is_hidden_inside_an_f_string() -> None:
    """pybabel does not read calls inside f-strings: such a message never reaches the catalogs (nor this test's
    extraction), so it stays English in every language."""
    import ast

    names = set(KEYWORDS)
    hidden = []
    for path in (ROOT / "src" / "liaison").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in names:
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, f"gettext calls inside f-strings (never extracted): {hidden}"
