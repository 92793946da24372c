"""Tables that become lists on phones (DESIGN.md: `<table class="table table-stack">` with
`<td data-label="…">`), read from a page's HTML.

On a phone such a table's headings are hidden and each cell shows its `data-label` instead, so
every cell under a visible heading must carry that heading as its label, except the row's title
(`td.stack-title` or `th[scope=row]`), which stands alone at the top of its card.

A list whose columns are only figures (the community's categories and threads) becomes a compact
list instead (`<table class="table table-list">`, Discourse's lists on a phone): no labels, which
repeated on every card; its figure cells (`td.list-hide`) go and the row's title cell
(`td.list-title`) says them in one line of words (`.list-only`, "12 threads · 40 posts")."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    list_line: str = ""  # the text of its .list-only lines, shown on phones only

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def label(self) -> str | None:
        return self.attrs.get("data-label")

    @property
    def is_title(self) -> bool:
        return "stack-title" in self.classes or (self.tag == "th" and self.attrs.get("scope") == "row")


@dataclass
class Table:
    classes: set[str]
    headings: list[str] = field(default_factory=list)  # visible text of each column heading
    rows: list[list[Cell]] = field(default_factory=list)  # the body's rows

    @property
    def stacks(self) -> bool:
        return {"table", "table-stack"} <= self.classes

    @property
    def lists(self) -> bool:
        return {"table", "table-list"} <= self.classes


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.table: Table | None = None
        self.section = ""
        self.cell: Cell | None = None
        self.open: list[bool] = []  # per open element: is its text hidden from sight?
        self.phone_only: list[bool] = []  # per open element: is it (in) a .list-only line?

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.table = Table(set(attributes.get("class", "").split()))
            self.tables.append(self.table)
        elif self.table is not None and tag in ("thead", "tbody"):
            self.section = tag
        elif self.table is not None and tag == "tr" and self.section == "tbody":
            self.table.rows.append([])
        elif self.table is not None and tag in ("td", "th"):
            self.cell = Cell(tag, attributes)
            if self.section == "thead":
                self.table.headings.append("")
            elif self.table.rows:
                self.table.rows[-1].append(self.cell)
        if tag not in VOID:
            classes = attributes.get("class", "").split()
            hidden = "visually-hidden" in classes
            self.open.append(hidden or (bool(self.open) and self.open[-1]))
            self.phone_only.append(("list-only" in classes and not hidden) or (bool(self.phone_only) and self.phone_only[-1]))

    def handle_endtag(self, tag):
        if tag not in VOID and self.open:
            self.open.pop()
            self.phone_only.pop()
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.table, self.section = None, ""

    def handle_data(self, data):
        if self.cell is None or self.table is None:
            return
        self.cell.text = " ".join((self.cell.text + " " + data).split())
        if self.phone_only and self.phone_only[-1]:
            self.cell.list_line = " ".join((self.cell.list_line + " " + data).split())
        if self.section == "thead" and not (self.open and self.open[-1]):
            self.table.headings[-1] = " ".join((self.table.headings[-1] + " " + data).split())


def tables_in(html: str) -> list[Table]:
    reader = _Reader()
    reader.feed(html.replace("<wbr>", ""))  # a place a line may wrap (e-mail addresses), not a space
    return reader.tables


def unlabelled(table: Table) -> list[str]:
    """Cells that would show no heading on a phone although their column has one, and labels
    that differ from their column's heading; [] when the table stacks as it should."""
    problems = [] if table.stacks else [f"not a stacked table: {sorted(table.classes)}"]
    for number, row in enumerate(table.rows, 1):
        if len(row) == 1 and "colspan" in row[0].attrs:
            continue  # "nothing yet" across the whole table
        for heading, cell in zip(table.headings, row, strict=False):
            if cell.is_title or not heading:
                continue
            if cell.label != heading:
                problems.append(f"row {number}: {cell.text[:40]!r} is labelled {cell.label!r}, not {heading!r}")
    return problems


def unlisted(table: Table) -> list[str]:
    """What would be wrong with a table as a compact list on a phone: a label (it would never
    show), a row without its one title cell, figures hidden on the phone that the title cell does
    not say in its line of words; [] when the table lists as it should."""
    problems = [] if table.lists else [f"not a compact list: {sorted(table.classes)}"]
    for number, row in enumerate(table.rows, 1):
        if len(row) == 1 and "colspan" in row[0].attrs:
            continue
        titles = [cell for cell in row if "list-title" in cell.classes]
        if len(titles) != 1:
            problems.append(f"row {number}: {len(titles)} title cells")
            continue
        problems += [f"row {number}: {cell.text[:40]!r} is labelled {cell.label!r}" for cell in row if cell.label]
        hidden = [cell.text for cell in row if "list-hide" in cell.classes and cell.text.strip("— ")]
        if hidden and not titles[0].list_line:
            problems.append(f"row {number}: {hidden} hidden on a phone and said nowhere")
    return problems
