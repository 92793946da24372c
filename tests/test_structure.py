"""The code's structure rules, checked on the source (an AST walk, no import needed).

Who may commit: only `community/unit_of_work.py` commits a session. Every route runs in the
unit of work (one commit when it answers < 400); services and queries only flush. CLI
commands and background job runners commit through `community.unit_of_work.commit()`, and
only from modules named cli.py, jobs.py or tasks.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "community"
UNIT_OF_WORK = "community/unit_of_work.py"
RUNNER_MODULES = {"cli.py", "jobs.py", "tasks.py"}

TEMPORARY_ALLOWED: set[str] = set()


def _mentions_session(node: ast.AST) -> bool:
    """`db.session`, `session`, `db.session()`, `self.session`, `sa_session` ... anything named *session*."""
    for part in ast.walk(node):
        if isinstance(part, ast.Name) and "session" in part.id.lower():
            return True
        if isinstance(part, ast.Attribute) and "session" in part.attr.lower():
            return True
    return False


def _is_unit_of_work_commit(node: ast.Attribute) -> bool:
    return node.attr == "commit" and isinstance(node.value, ast.Name) and node.value.id == "unit_of_work"


class _Finder(ast.NodeVisitor):
    def __init__(self, relative: str):
        self.relative = relative
        self.functions: list[str] = []
        self.found: list[tuple[int, str, str]] = []  # (line, function, what)

    def _note(self, node: ast.AST, what: str) -> None:
        self.found.append((node.lineno, self.functions[-1] if self.functions else "<module>", what))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # A call `db.session.commit()` and a callback `after_loading=db.session.commit` alike.
        if node.attr == "commit" and _mentions_session(node.value):
            self._note(node, f"commits a session ({ast.unparse(node)})")
        elif _is_unit_of_work_commit(node) and Path(self.relative).name not in RUNNER_MODULES:
            self._note(node, "calls unit_of_work.commit() outside a cli.py / jobs.py / tasks.py module")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        imports_commit = node.module == "community.unit_of_work" and any(alias.name == "commit" for alias in node.names)
        if imports_commit and Path(self.relative).name not in RUNNER_MODULES:
            self._note(node, "imports unit_of_work.commit outside a cli.py / jobs.py / tasks.py module")
        self.generic_visit(node)


def commit_offenders(package: Path = PACKAGE) -> list[tuple[str, int, str, str]]:
    """(path, line, function, what) for every commit outside the unit of work's rules."""
    offenders = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).as_posix()
        if relative == UNIT_OF_WORK:
            continue
        finder = _Finder(relative)
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        offenders += [(relative, line, function, what) for line, function, what in finder.found]
    return offenders


def test_only_the_unit_of_work_commits():
    offenders = [o for o in commit_offenders() if f"{o[0]}:{o[2]}" not in TEMPORARY_ALLOWED]
    assert not offenders, (
        "Only community/unit_of_work.py commits; routes rely on it, services and queries flush, "
        "CLI commands and job runners (cli.py / jobs.py / tasks.py) call community.unit_of_work.commit():\n"
        + "\n".join(f"  {path}:{line} in {function}(): {what}" for path, line, function, what in offenders)
    )


def test_the_temporary_allow_list_has_no_stale_entries():
    """Each allowed place still commits; once it stops, its entry must go too."""
    still = {f"{path}:{function}" for path, _line, function, _what in commit_offenders()}
    stale = sorted(TEMPORARY_ALLOWED - still)
    assert not stale, "These places no longer commit; delete them from TEMPORARY_ALLOWED: " + ", ".join(stale)


def test_the_check_finds_what_it_must(tmp_path):
    """The walk itself: a view that commits, a service passing commit as a callback and a
    service committing through the unit of work are found; a CLI module committing through
    the unit of work is not."""
    package = tmp_path / "community"
    (package / "things").mkdir(parents=True)
    (package / "things" / "views.py").write_text("def save():\n    db.session.commit()\n")
    (package / "things" / "services.py").write_text(
        "from community import unit_of_work\n"
        "def run():\n    compute(after=db.session.commit)\n    unit_of_work.commit()\n"
    )
    (package / "things" / "helpers.py").write_text("from community.unit_of_work import commit\n")
    (package / "things" / "cli.py").write_text("from community import unit_of_work\ndef go():\n    unit_of_work.commit()\n")
    (package / "unit_of_work.py").write_text("def commit():\n    db.session.commit()\n")
    found = {(path, line, function) for path, line, function, _what in commit_offenders(package)}
    assert found == {
        ("community/things/views.py", 2, "save"),
        ("community/things/services.py", 3, "run"),
        ("community/things/services.py", 4, "run"),
        ("community/things/helpers.py", 1, "<module>"),
    }
