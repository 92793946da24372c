"""SVG pictures of the mentor network for the dashboard: pure, deterministic, CSP-safe.

Every picture is built with xml.etree.ElementTree, so every name is escaped; nothing uses
<script> or `style=` (only presentation attributes), so the SVG renders under a strict
Content-Security-Policy whether inlined or served as an image. Names come from the caller as
a mapping id -> display name, so the caller decides whether to show names or pseudonyms.
The same input always gives the same bytes (fixed layout seed, sorted iteration, rounded
coordinates).

Drawings stay bounded: `draw_network` refuses more than NODE_LIMIT people; use
`draw_network_or_condensed` (or `needs_condensing`) to fall back to one node per department or
community.

The rooms: `svg` (colours, words, primitives, layout), `people` (network, condensed and ego
pictures) and `bars` (bar charts). Import from this package.
"""

from __future__ import annotations

from community.network.drawing.bars import (
    Bar,
    coverage_bars,
    draw_bar_chart,
    load_bars,
)
from community.network.drawing.people import (
    draw_condensed,
    draw_ego,
    draw_network,
    draw_network_or_condensed,
)
from community.network.drawing.spark import sparkline_svg, threshold_bar_svg
from community.network.drawing.svg import (
    EDGE_COLOUR,
    ENGLISH,
    FONT,
    NODE_LIMIT,
    OTHER_COLOUR,
    PALETTE,
    ROLE_COLOURS,
    ROLE_NAMES,
    SVG_NS,
    TEXT_COLOUR,
    Words,
    layout_positions,
    needs_condensing,
    primary_role,
)

__all__ = [
    "Bar",
    "EDGE_COLOUR",
    "ENGLISH",
    "FONT",
    "NODE_LIMIT",
    "OTHER_COLOUR",
    "PALETTE",
    "ROLE_COLOURS",
    "ROLE_NAMES",
    "SVG_NS",
    "TEXT_COLOUR",
    "Words",
    "coverage_bars",
    "draw_bar_chart",
    "draw_condensed",
    "draw_ego",
    "draw_network",
    "draw_network_or_condensed",
    "layout_positions",
    "load_bars",
    "needs_condensing",
    "primary_role",
    "sparkline_svg",
    "threshold_bar_svg",
]
