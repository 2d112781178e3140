"""The repository stands alone: a user's machine has nothing beside the clone, so nothing may read outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from liaison.data import UN_LIST_2017
from liaison.interchange.un_list import parse
from liaison.models import ListReference
from tests.conftest import Db

ROOT = Path(__file__).resolve().parents[1]
# A path that leaves the repository: the development layout's ../shared folder, or an absolute /work/ path.
OUTSIDE = re.compile(r"""\.\./shared|["']shared["']\s*/\s*["']data["']|/work/""")


def test_nothing_in_the_product_its_tests_or_benchmarks_reads_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    files = [ROOT / name for name in tracked if name.endswith((".py", ".sh", ".toml", ".ini", "Makefile", "/run"))]
    assert any(path.name == "conftest.py" for path in files)  # the listing really covers the tree
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in files
        if path.is_file() and path != Path(__file__).resolve()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_shipped_un_list_is_the_whole_2017_list_and_installed_with_the_package() -> None:
    assert UN_LIST_2017.is_relative_to(ROOT / "src" / "liaison")
    entries = parse(UN_LIST_2017.read_bytes()).entries
    assert len(entries) == 1021
    assert "data/*.xml" in (ROOT / "pyproject.toml").read_text()  # package data, so a wheel carries it too


def test_the_demo_loads_the_un_list_into_the_bank(demo: Db) -> None:
    with demo.sessions() as s:
        listed = s.scalar(select(func.count()).select_from(ListReference).where(ListReference.list_name == "un-sc"))
    assert listed == 1021
