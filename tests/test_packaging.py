"""An installed copy (`pip install .`, as the README's deployment does) finds its templates,
stylesheet and translations: templates/ and static/ live at the checkout's top level and
setup.py maps them into the package.

The test builds a fresh virtualenv outside the checkout, installs a copy of the project
into it (not editable), and renders the login page with its stylesheet from a working
directory outside the checkout. The new virtualenv borrows this test run's installed
libraries through a .pth file, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
NOT_SHIPPED = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "instance",
                                     "test-artifacts", ".pytest_cache", ".ruff_cache", ".hypothesis", "node_modules")

SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    from pathlib import Path

    import community
    from community import create_app
    from community.config import config_for_tests
    from community.database import SCHEMA_EXTRAS
    from community.extensions import db

    app = create_app(config_for_tests("sqlite:///" + sys.argv[1]))
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            for install in SCHEMA_EXTRAS:
                install(conn)
    client = app.test_client()
    page = client.get("/login")
    html = page.get_data(as_text=True)
    styles = re.findall(r'href="(/static/[^"]+[.]css)[^"]*"', html)
    style = client.get(styles[0]) if styles else None
    german = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    print(json.dumps({
        "package": str(Path(community.__file__).resolve().parent),
        "template_folder": app.jinja_loader.searchpath[0],
        "static_folder": app.static_folder,
        "login_status": page.status_code,
        "has_form": 'name="password"' in html,
        "styles": styles,
        "style_status": style.status_code if style else None,
        "style_type": style.mimetype if style else None,
        "style_size": len(style.get_data()) if style else 0,
        "german": 'lang="de"' in german,
    }))
    """
)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.mark.slow
def test_an_installed_copy_renders_a_page_with_its_stylesheet(tmp_path_factory):
    root = tmp_path_factory.mktemp("installed")
    assert CHECKOUT not in root.parents
    source = root / "source"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SHIPPED)  # building writes build/ and egg-info: not into the checkout
    venv = root / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # The project's dependencies come from this test run's environment (after the venv's own packages).
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    run(str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(source), env=env, cwd=root)
    shutil.rmtree(source)  # the installed copy must stand on its own

    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    out = run(str(python), "-c", SCRIPT, str(root / "app.sqlite3"), env=env, cwd=elsewhere)
    facts = json.loads(out.stdout.strip().splitlines()[-1])

    package = Path(facts["package"])
    assert package.is_relative_to(venv), f"the installed copy was not used: {package}"
    assert Path(facts["template_folder"]) == package / "templates"
    assert Path(facts["static_folder"]) == package / "static"
    assert facts["login_status"] == 200 and facts["has_form"]
    assert facts["styles"], "the login page links no stylesheet under /static/"
    assert facts["style_status"] == 200 and facts["style_type"] == "text/css" and facts["style_size"] > 1000
    assert facts["german"], "the installed copy lost its German translations"
