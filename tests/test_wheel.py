"""The wheel as an operator installs it: built from the checkout, installed with its pinned
dependencies into a fresh virtual environment outside the checkout, and run from there
(`mopsboard check`, `migrate`, `collectstatic`) with production settings against a fresh
database on the suite's PostgreSQL: pages render and their static files are served."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from bench.database import Server

pytestmark = pytest.mark.stack

PROJECT = Path(__file__).resolve().parent.parent

# Run by the installed copy's Python: which mopsboard it imports, and what its pages answer.
PAGES = """
import json, os, re
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mopsboard.settings")
import django
django.setup()
import mopsboard
from django.test import Client
from django.urls import reverse
client = Client()
login = client.get(reverse("login"))
assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', login.content.decode())
print(json.dumps({
    "mopsboard": mopsboard.__file__,
    "login": login.status_code,
    "assets": {asset: client.get(asset).status_code for asset in assets},
    "ready": client.get("/readyz").status_code,
}))
"""


def run(*command, **options) -> str:
    done = subprocess.run(command, capture_output=True, text=True, **options)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stderr}"
    return done.stdout


def checkout_files() -> list[str]:
    """What a commit would hold: the tracked files, and new ones git does not ignore."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=PROJECT)
    return [name for name in listed.split("\0") if name and (PROJECT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout, so the build leaves nothing behind in it."""
    source = tmp_path_factory.mktemp("source")
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, source)
    return next(dist.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    # Our own pip installs into it: quicker than bootstrapping a pip there.
    run(
        *(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install"),
        *("--quiet", "--constraint", PROJECT / "constraints.txt", wheel),
    )
    return venv


@pytest.fixture
def outside(tmp_path) -> dict:
    """A process in a folder outside the checkout, which imports nothing from it."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE", "MOPSBOARD_DATA_DIR"}
    }
    return {"cwd": tmp_path, "env": env}


@pytest.fixture
def database_url():
    server = Server()
    name = f"mopsboard_wheel_{os.getpid()}"
    server.recreate(name)
    yield server.url(name)
    server.drop(name)


def test_the_wheel_holds_every_app_file_and_the_templates_and_static_files(wheel):
    apps = {app for app in settings.INSTALLED_APPS if (PROJECT / app).is_dir()}
    expected = set()
    for name in checkout_files():
        top = name.split("/")[0]
        if top in apps:
            expected.add(name)
        elif top in {"templates", "static"}:
            expected.add(f"mopsboard/site/{name}")
    assert "mopsboard/site/templates/base.html" in expected
    assert expected - set(zipfile.ZipFile(wheel).namelist()) == set()


def test_an_installed_copy_migrates_and_serves_its_pages_outside_the_checkout(
    installed, outside, database_url, tmp_path
):
    outside["env"].update(
        DATABASE_URL=database_url,
        MOPSBOARD_DATA_DIR=str(tmp_path / "data"),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="wheel-test",
    )
    mopsboard = installed / "bin" / "mopsboard"
    run(mopsboard, "check", **outside)
    run(mopsboard, "migrate", "--noinput", **outside)
    run(mopsboard, "collectstatic", "--noinput", **outside)
    assert (tmp_path / "data" / "staticfiles" / "staticfiles.json").is_file()

    pages = json.loads(run(installed / "bin" / "python", "-c", PAGES, **outside))
    assert Path(pages["mopsboard"]).is_relative_to(installed)
    assert pages["login"] == 200
    assert any("htmx" in asset for asset in pages["assets"])
    assert set(pages["assets"].values()) == {200}
    assert pages["ready"] == 200  # every migration applied


def test_an_installed_copy_is_told_where_to_write_rather_than_into_site_packages(
    installed, outside
):
    done = subprocess.run(
        [installed / "bin" / "mopsboard", "check"], capture_output=True, text=True, **outside
    )
    assert done.returncode != 0
    assert "Set MOPSBOARD_DATA_DIR" in done.stderr
