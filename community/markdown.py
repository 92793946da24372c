"""Markdown to safe HTML: markdown-it-py renders (raw HTML off), nh3 sanitises what comes out.

Used for profile bios, community posts and (with `breaks=True`) a mentoring session's agenda
and notes. Two layers on purpose: the renderer never emits
raw HTML from the input, and the sanitiser would remove anything dangerous that slipped
through (javascript:/data: URLs, event attributes, svg/math, style). Links get
rel="nofollow noopener noreferrer". @handles become profile links when the caller passes a
resolver.

User content never embeds images: `![alt](url)` becomes a plain link to the url. An image
loads without a click, so `![x](/network/people/9)` would make every reader's browser request
that page in the reader's name (and write audit events as them). The Content-Security-Policy
(community.security) allows images only from the product's own /static/ files besides, so even
HTML stored before this rule never loads an image from elsewhere on the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

MAX_SOURCE_CHARS = 50_000

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9._-]{0,38}[a-z0-9])", re.IGNORECASE)  # ends in a letter or digit: "@ann." ends a sentence


MAX_NESTING = 20
# What opens a nested block at a line's start: quote markers, bullets, numbers ("> > - 1. ").
_BLOCK_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")


def _parser(*, breaks: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False, "breaks": breaks})
    md.enable(["table", "strikethrough", "linkify"])
    # Guard against pathological nesting (e.g. thousands of '>' or list markers): blocks
    # nested deeper are parsed no further (no deep recursion), but their text is kept.
    md.options["maxNesting"] = MAX_NESTING
    _keep_text_beyond_nesting(md)
    return md


def _keep_text_beyond_nesting(md: MarkdownIt) -> None:
    """markdown-it skips everything nested deeper than maxNesting, text included. Instead,
    each line there becomes a plain paragraph at the deepest level, without its quote and list
    markers: a list nested 30 levels deep shows its innermost items, only flatter."""
    tokenize = md.block.tokenize

    def tokenize_or_flatten(state: StateBlock, start_line: int, end_line: int) -> None:
        if state.level < MAX_NESTING:
            tokenize(state, start_line, end_line)
            return
        for line in range(start_line, end_line):
            text = _BLOCK_MARKERS.sub("", state.getLines(line, line + 1, state.blkIndent, False)).strip()
            if not text:
                continue
            opening = state.push("paragraph_open", "p", 1)
            opening.map, opening.meta = [line, line + 1], {"flattened": True}
            inline = state.push("inline", "", 0)
            inline.content, inline.map, inline.children = text, [line, line + 1], []
            state.push("paragraph_close", "p", -1).meta = {"flattened": True}
        state.line = end_line

    md.block.tokenize = tokenize_or_flatten  # type: ignore[method-assign,assignment]


_MD = _parser()
# Session agendas and notes were plain text before they became Markdown: people wrote one item
# a line, without blank lines between. There a single line break stays a line break (<br>).
_MD_BREAKS = _parser(breaks=True)


def _parse(source: str, env: dict, md: MarkdownIt = _MD) -> list[Token]:
    tokens = md.parse(source, env)
    for token in tokens:
        if token.meta.get("flattened"):
            token.hidden = False  # a tight list hides its items' paragraphs: these lines would run together
    return tokens


def _link_mentions(tokens: list[Token], resolve: Callable[[str], str | None]) -> None:
    """Turn @handle in plain text (not inside links or code) into links to profiles."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        inside_link = 0
        for tok in block.children:
            if tok.type == "link_open":
                inside_link += 1
            elif tok.type == "link_close":
                inside_link -= 1
            if tok.type != "text" or inside_link or "@" not in tok.content:
                out.append(tok)
                continue
            pos = 0
            for match in MENTION.finditer(tok.content):
                url = resolve(match.group(1).lower())
                if url is None:
                    continue
                if match.start() > pos:
                    out.append(_text(tok.content[pos:match.start()]))
                opening = Token("link_open", "a", 1)
                opening.attrs = {"href": url, "class": "mention"}
                out += [opening, _text(match.group(0)), Token("link_close", "a", -1)]
                pos = match.end()
            if pos < len(tok.content):
                out.append(_text(tok.content[pos:]))
        block.children = out


def _images_as_links(tokens: list[Token]) -> None:
    """`![alt](url)` → a link "alt" to url (inside a link: just the alt text)."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        inside_link = 0
        for tok in block.children:
            if tok.type == "link_open":
                inside_link += 1
            elif tok.type == "link_close":
                inside_link -= 1
            if tok.type != "image":
                out.append(tok)
                continue
            alt = "".join(child.content for child in (tok.children or [])) or str(tok.attrs.get("src", ""))
            if inside_link:
                out.append(_text(alt))
                continue
            opening = Token("link_open", "a", 1)
            opening.attrs = {"href": str(tok.attrs.get("src", ""))}
            if tok.attrs.get("title"):
                opening.attrs["title"] = str(tok.attrs["title"])
            out += [opening, _text(alt), Token("link_close", "a", -1)]
        block.children = out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def mentioned_handles(source: str) -> set[str]:
    """Handles written as @handle in a Markdown text (outside code), lower-cased."""
    handles: set[str] = set()
    for block in _parse(source[:MAX_SOURCE_CHARS], {}):
        if block.type == "inline" and block.children:
            for tok in block.children:
                if tok.type == "text":
                    handles.update(m.group(1).lower() for m in MENTION.finditer(tok.content))
    return handles


def render(
    source: str | None,
    *,
    mentions: Mapping[str, str] | Callable[[str], str | None] | None = None,
    breaks: bool = False,
) -> str:
    """Safe HTML for a Markdown text. `mentions` maps handle -> profile URL (or resolves one);
    with `breaks`, a single line break in a paragraph is kept as a line break."""
    if not source:
        return ""
    source = source[:MAX_SOURCE_CHARS]
    env: dict = {}
    md = _MD_BREAKS if breaks else _MD
    tokens = _parse(source, env, md)
    _images_as_links(tokens)
    if mentions is not None:
        resolve = mentions.get if isinstance(mentions, Mapping) else mentions
        _link_mentions(tokens, resolve)
    html = md.renderer.render(tokens, md.options, env)
    return sanitise(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        allowed_classes={"a": {"mention"}, "code": {f"language-{x}" for x in ("python", "js", "json", "sql", "bash", "text")}},
    )


def render_with_mentions(
    source: str | None, resolve_all: Callable[[set[str]], Mapping[str, str]]
) -> tuple[str, set[str]]:
    """Like render(), but parses once: collects the @handles (as mentioned_handles() does),
    asks `resolve_all(handles)` for their profile URLs in one go, links them and renders.

    Returns the safe HTML and the handles written in the text (lower-cased).
    """
    if not source:
        return "", set()
    source = source[:MAX_SOURCE_CHARS]
    env: dict = {}
    tokens = _parse(source, env)
    _images_as_links(tokens)
    handles: set[str] = set()
    for block in tokens:
        if block.type == "inline" and block.children:
            for tok in block.children:
                if tok.type == "text":
                    handles.update(m.group(1).lower() for m in MENTION.finditer(tok.content))
    urls = resolve_all(handles) if handles else {}
    if urls:
        _link_mentions(tokens, urls.get)
    return sanitise(_MD.renderer.render(tokens, _MD.options, env)), handles
