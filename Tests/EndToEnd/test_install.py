"""`make install`'s layout (scripts/install.sh) into a temporary prefix: the installed `wokmanager`, started
from a folder without `Public/`, serves its page from the installed templates and its static files, and
works as the CLI."""
import os
import shutil
import subprocess

from conftest import BINARY, KEY, REPO

INSTALL = REPO / "scripts" / "install.sh"
BUNDLE = "wokmanager_Web.resources"
MARK = "<!-- rendered from the installed templates -->"


def build_folder(tmp_path):
    """What install.sh installs from: the executable with its resource bundle beside it, as SwiftPM leaves
    them in .build/<config>/. A binary copied elsewhere (WOKMANAGER_BIN) has no bundle beside it; then the
    bundle is made from Sources/Web/Templates as SwiftPM makes it for the Web target's `.copy("Templates")`."""
    folder = tmp_path / "build"
    folder.mkdir()
    shutil.copy2(BINARY, folder / "wokmanager")
    if (BINARY.parent / BUNDLE).is_dir():
        shutil.copytree(BINARY.parent / BUNDLE, folder / BUNDLE)
    else:
        shutil.copytree(REPO / "Sources" / "Web" / "Templates", folder / BUNDLE / "Templates")
    return folder


def install(build, prefix, destdir=None):
    done = subprocess.run([str(INSTALL), str(build), str(prefix), *([str(destdir)] if destdir else [])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def test_the_installed_server_serves_its_page_from_anywhere(tmp_path, server_factory):
    prefix = tmp_path / "prefix"
    install(build_folder(tmp_path), prefix)
    launcher = prefix / "bin" / "wokmanager"
    assert os.access(launcher, os.X_OK)
    assert os.access(prefix / "lib" / "wokmanager" / "wokmanager", os.X_OK)
    assert sorted(p.name for p in (prefix / "share" / "wokmanager" / "Public").iterdir()) == sorted(
        p.name for p in (REPO / "Public").iterdir())
    # The page must come from the installed bundle, not from the build folder whose path the executable
    # also knows: mark the installed layout and look for the mark.
    layout = prefix / "lib" / "wokmanager" / BUNDLE / "Templates" / "layout.mustache"
    layout.write_text(layout.read_text() + MARK + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    server = server_factory(binary=launcher, cwd=elsewhere).start()
    status, page = server.request("GET", "/")
    assert status == 200 and MARK in page and 'href="/static/style.css"' in page
    for name in ("style.css", "app.js", "favicon.svg"):
        status, body = server.request("GET", f"/static/{name}")
        assert status == 200 and body == (REPO / "Public" / name).read_text(), name

    environment = {**os.environ, "WOKMANAGER_URL": server.url(""), "WOKMANAGER_API_KEY": KEY}
    emitted = subprocess.run([str(launcher), "emit", "started", "--id", "installed", "--group", "install.test"],
                             env=environment, cwd=elsewhere, capture_output=True, text=True, timeout=60)
    assert emitted.returncode == 0, emitted.stderr
    listed = subprocess.run([str(launcher), "workers", "--json"], env=environment, cwd=elsewhere,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and '"installed"' in listed.stdout, listed.stderr
    failed = subprocess.run([str(launcher), "run", "--id", "job", "--group", "install.test", "--", "sh", "-c", "exit 3"],
                            env=environment, cwd=elsewhere, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 3, failed.stderr


def test_destdir_is_put_in_front_of_every_path_but_the_launcher_names_the_final_ones(tmp_path):
    install(build_folder(tmp_path), "/opt/wokmanager", tmp_path / "package")
    launcher = (tmp_path / "package" / "opt" / "wokmanager" / "bin" / "wokmanager").read_text()
    assert 'exec "/opt/wokmanager/lib/wokmanager/wokmanager" "$@"' in launcher
    assert "WOKMANAGER_PUBLIC:=/opt/wokmanager/share/wokmanager/Public" in launcher
    assert (tmp_path / "package" / "opt" / "wokmanager" / "lib" / "wokmanager" / BUNDLE / "Templates").is_dir()


def test_a_missing_build_is_named(tmp_path):
    done = subprocess.run([str(INSTALL), str(tmp_path / "nothing"), str(tmp_path / "prefix")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "nothing/wokmanager is missing: build first" in done.stderr
    assert not (tmp_path / "prefix").exists()
