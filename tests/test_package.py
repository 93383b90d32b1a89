"""The package as a shop installs it: the sdist, and the wheel built from that sdist (as pip and
pipx build it), hold every file the code opens and every file of the package folder, under the
version pyproject.toml gives. (.ci/run installs that wheel in a fresh venv and uses it.)"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import mailmerge

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(mailmerge.__file__).resolve().parent
NOT_SOURCES = (".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".*_cache",
               "hagaki-demo", ".hypothesis")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(wheel, sdist) built with `python -m build` from a clean copy of the checkout (as a
    fresh clone: no egg-info of an earlier build to fill in what pyproject.toml leaves out)."""
    source, out = tmp_path_factory.mktemp("source") / "hagaki", tmp_path_factory.mktemp("dist")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                             str(out), str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return next(out.glob("*.whl")), next(out.glob("*.tar.gz"))


def wheel_files(wheel: Path) -> set[str]:
    """The package's files in the wheel, relative to the package: {"layouts/nenga.toml", …}."""
    with zipfile.ZipFile(wheel) as archive:
        return {name.removeprefix("mailmerge/") for name in archive.namelist()
                if name.startswith("mailmerge/")}


def package_folder_files() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


def files_the_code_opens(folder: Path) -> set[str]:
    script = Path(__file__).parent / "package_files_opened.py"
    result = subprocess.run([sys.executable, str(script)], cwd=folder, capture_output=True,
                            text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def test_the_wheel_holds_every_file_the_code_opens(built, tmp_path):
    opened = files_the_code_opens(tmp_path)
    assert {"templates/builtin/thanks-2.j2", "templates/builtin/nenga-1.j2",
            "layouts/nenga.toml", "layouts/sheets/a4.toml", "web/templates/home.html",
            "web/static/style.css", "i18n/locale/en/LC_MESSAGES/hagaki.mo",
            "sources/presets/fudemame.toml", "fonts/KleeOne-Regular.ttf"} <= opened
    assert opened - wheel_files(built[0]) == set()


def test_the_wheel_holds_every_file_of_the_package_folder(built):
    in_wheel = wheel_files(built[0])
    assert "templates/builtin/dormant-1.j2" in in_wheel
    assert "fonts/LICENSES/OFL-KleeOne.txt" in in_wheel
    assert package_folder_files() - in_wheel == set()


def test_the_sdist_holds_the_package_and_both_versions_are_pyprojects(built):
    wheel, sdist = built
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert wheel.name == f"hagaki_mailmerge-{version}-py3-none-any.whl"
    assert sdist.name == f"hagaki_mailmerge-{version}.tar.gz"
    with tarfile.open(sdist) as archive:
        prefix = f"hagaki_mailmerge-{version}/mailmerge/"
        in_sdist = {name.removeprefix(prefix) for name in archive.getnames()
                    if name.startswith(prefix)}
    assert package_folder_files() - in_sdist == set()
    assert mailmerge.__version__ == version
