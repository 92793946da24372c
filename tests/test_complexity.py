"""No function or method under community/ is graded D or worse by radon (cyclomatic
complexity above 20): the same check as `radon cc -n D community`, which must print nothing."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parent.parent / "community"


def test_no_block_is_graded_d_or_worse():
    too_complex = [
        f"{path.relative_to(ROOT.parent)}:{block.lineno} {block.fullname} - {cc_rank(block.complexity)} ({block.complexity})"
        for path in sorted(ROOT.rglob("*.py"))
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if cc_rank(block.complexity) >= "D"
    ]
    assert not too_complex, "split these into smaller steps:\n" + "\n".join(too_complex)
