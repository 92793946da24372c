"""Network dashboard, person pages for analysts, what-if, reveal, settings, pictures, CSV.

Change managers and admins only (everyone else 403, anonymous visitors go to the login).
Every page view is audited; the pictures are separate SVG responses (so the strict CSP holds)
and carry a signed token of the audited page view they belong to, so no picture is seen
without an audited view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any, cast

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from community.accounts.forms import EmptyForm
from community.audit import services as audit
from community.audit.models import AuditEvent
from community.caching import recent_values
from community.network import bp, briefing, drawing, queries, services
from community.network.banded import banded_figures, banded_figures_of
from community.network.forms import RevealForm, SettingsForm, WhatIfForm
from community.page_parts import cached_html, cached_page
from community.spreadsheets import csv_response
from community.templating import Card, CardItem, register_home_card
from community.unit_of_work import form_attempt

LIST_LIMIT = 25
WHAT_IF_CHOICES = 400  # checkboxes; the others are named in the text field
PICTURE_TOKEN_MAX_AGE = 8 * 60 * 60
PICTURES: dict[str, Callable[[Any], str]] = {
    "network": services.network_svg,
    "load": services.load_svg,
    "load_narrow": partial(services.load_svg, narrow=True),  # the <picture>'s source on a phone
    "coverage": services.coverage_svg,
    "coverage_narrow": partial(services.coverage_svg, narrow=True),
    "trend": services.trend_svg,
    "trend_narrow": partial(services.trend_svg, narrow=True),  # the <picture>'s source on a phone
}


def network_card(user: Any) -> Card | None:
    """Home page: the latest pool health figures, for change managers and admins."""
    if not services.is_analyst(user):
        return None
    latest = queries.latest_summary()
    card = Card(title=_("Mentor pool health"), empty=_("No network analysis yet."),
                more_url=url_for("network.dashboard"), more_label=_("Open the network dashboard"))
    if latest is None:
        return card
    computed_at, summary = latest
    anchors = [
        ("single_points_of_failure", _("Single points of failure"), "network.risks", "spof-heading"),
        ("overloaded", _("Overloaded mentors"), "network.risks", "overloaded-heading"),
        ("uncovered_topics", _("Uncovered topics"), "network.coverage", "topics-heading"),
        ("unmatched_executives", _("Unmatched executives"), "network.coverage", "unmatched-heading"),
    ]
    card.items = [CardItem(str(label), f"{url_for(endpoint)}#{anchor}", briefing.number(int(summary.get(key, 0) or 0)))
                  for key, label, endpoint, anchor in anchors]
    return card


register_home_card(network_card)



@bp.before_request
@login_required  # type: ignore[untyped-decorator]  # flask_login is untyped
def require_analyst() -> None:
    """Every network page is for analysts: the service's check answers 403 to anyone else."""
    services.require_analyst(current_user)


@bp.context_processor
def network_helpers() -> dict[str, Any]:
    # Profiles are linked with the app's `profile_url` (community.templating).
    return {"duration_words": briefing.duration_words}


# --------------------------------------------------------------------------- picture tokens


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(cast("str | bytes", current_app.secret_key), salt="network-picture")


def picture_token(event: AuditEvent) -> str:
    """Ties the pictures of a page to its audited view (and to the viewer). The signature's
    timestamp counts whole seconds, so within one second the same viewer and view get the
    same token: the process keeps it for that second instead of signing again."""
    payload = [current_user.id, event.id]
    key = f"{payload}:{int(time.time())}"
    recent = recent_values("picture_tokens", seconds=1, size=256)
    token = recent.get(key)
    if token is None:
        token = _serializer().dumps(payload)
        recent.put(key, token)
    return str(token)


def _check_picture_token() -> None:
    try:
        user_id, _event_id = _serializer().loads(request.args.get("view", ""), max_age=PICTURE_TOKEN_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        abort(403, description=_("Open the pictures from the network dashboard."))
    if user_id != current_user.id:
        abort(403, description=_("Open the pictures from the network dashboard."))


def _svg(content: str) -> Response:
    return Response(content, mimetype="image/svg+xml")


# --------------------------------------------------------------------------- pages


def _what_if_form(formdata: Any = None, limit: int = 2000) -> tuple[WhatIfForm, int]:
    form = WhatIfForm(formdata=formdata)
    choices, total = services.mentor_choices(WHAT_IF_CHOICES)
    form.remove.choices = choices
    return form, total


TABS = (
    ("network.dashboard", _l("Overview"), "speedometer2"),
    ("network.risks", _l("Risks"), "exclamation-triangle"),
    ("network.roles", _l("Roles"), "diagram-3"),
    ("network.coverage", _l("Coverage and demand"), "grid-3x3-gap"),
    ("network.what_if", _l("What if"), "person-dash"),
    ("network.trend", _l("Trend"), "graph-up"),
    ("network.explorer", _l("Explorer"), "bounding-box-circles"),
)
BRIEF_LIMIT = 3


@bp.app_template_filter("localnum")
def localnum(value: Any) -> str:
    """A number in the reader's locale; text stays as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return briefing.number(value)


@bp.app_template_global("sparkline")
def sparkline(values: list[float | int]) -> Markup:
    """A small line of values, oldest first (the numbers are written next to it on the page)."""
    return Markup(drawing.sparkline_svg(values))  # noqa: S704 - built with ElementTree, escaped


def _briefing(tab: str, limit: int | None = LIST_LIMIT) -> dict[str, Any]:
    """What every tab shows: the snapshot's report (cut to `limit`), the audited view and its token."""
    mode = services.pseudonymised()
    snapshot = services.latest_snapshot()
    report = queries.build_report(snapshot, limit=limit, pseudonymised=mode) if snapshot else None
    event = audit.record(
        "network.viewed", actor=current_user, subject_type="analysis_snapshot",
        subject_id=snapshot.id if snapshot else None, note="dashboard" if tab == "overview" else tab, at_once=True,
    )
    return {
        "tab": tab,
        "tabs": TABS,
        "report": report,
        "pseudonymised": mode,
        "job": queries.recent_job(),
        "recompute_form": EmptyForm(formdata=None),
        "view": picture_token(event),
        "list_limit": limit,
    }


@bp.get("/network")
def dashboard() -> ResponseReturnValue:
    # Every view is audited (one small insert, sent before the page is rendered and collected
    # before it is sent; see community.unit_of_work.send_after_read); the body is rendered once
    # per snapshot, mode, job state and viewer class and cached until people, topics or the
    # snapshots change (community.page_parts). The pictures' signed view token and the CSRF
    # token are put back per viewer, never stored.
    latest_id, stamp, job_state, mode = queries.dashboard_state()
    event = audit.record("network.viewed", actor=current_user, subject_type="analysis_snapshot",
                         subject_id=latest_id, note="dashboard", at_once=True)
    view = picture_token(event)
    locked = services.pseudonymised_locked()

    def render() -> str:
        snapshot = services.latest_snapshot()
        report = queries.build_report(snapshot, limit=BRIEF_LIMIT, pseudonymised=mode) if snapshot else None
        return render_template(
            "network/dashboard.html", body_only=True, tab="overview", tabs=TABS, report=report, pseudonymised=mode,
            job=queries.recent_job(), recompute_form=EmptyForm(formdata=None), view=view, list_limit=BRIEF_LIMIT,
            cards=briefing.health_cards(services.health_trend(12)), locked=locked,
            reveal_form=RevealForm(formdata=None), settings_form=SettingsForm(formdata=None, data={"pseudonymised": mode}),
        )

    parts = (latest_id, stamp, mode, locked, job_state, bool(current_user.is_admin))
    areas = ("directory", "network")
    return cached_page("network-dashboard", areas, parts, lambda: render_template(
        "network/_page.html", body=cached_html("network-dashboard", areas, parts, render, secrets={"view": view})),
        holes={"view": view})


@bp.get("/network/risks")
def risks() -> ResponseReturnValue:
    return render_template("network/risks.html", **_briefing("risks"))


@bp.get("/network/roles")
def roles() -> ResponseReturnValue:
    context = _briefing("roles")
    report = context["report"]
    if report is not None and report.pseudonymised:
        # Beside a pseudonym the figures are bands, as on the person page.
        people = [f.entry["person_id"] for f in (*report.roles, *report.ambassador_shortlist)]
        context["banded"] = banded_figures_of(report.snapshot.id, people)
    return render_template("network/roles.html", **context)


@bp.get("/network/coverage")
def coverage() -> ResponseReturnValue:
    return render_template("network/coverage.html", **_briefing("coverage"))


@bp.get("/network/trend")
def trend() -> ResponseReturnValue:
    context = _briefing("trend", limit=0)
    context.update(trend=services.health_trend(12), trend_labels=services.trend_series_labels())
    return render_template("network/trend.html", **context)


@bp.get("/network/what-if")
def what_if() -> ResponseReturnValue:
    form, mentors_total = _what_if_form(request.args)
    result = None
    if "remove" in request.args or "others" in request.args:
        ticked = set(services.parse_refs(form.remove.data or []))
        with form_attempt(form):  # an entry that is not a mentor is named under the field it came from
            result = services.what_if(current_user, [*(form.remove.data or []), form.others.data or ""],
                                      field_of=lambda ref: "remove" if ref in ticked else "others")
    min_providers = result.min_providers if result else services.min_providers_needed()
    return render_template("network/what_if.html", form=form, result=result, mentors_total=mentors_total,
                           min_providers=min_providers,
                           pseudonymised=services.pseudonymised(), tab="what_if", tabs=TABS,
                           job=None, report=None)


@bp.get("/network/explorer")
def explorer() -> ResponseReturnValue:
    context = _briefing("explorer", limit=0)
    remove = ",".join(services.parse_refs(request.args.getlist("remove")))[:500]
    context.update(remove=remove, explorer_limit=services.EXPLORER_MAX_PEOPLE, explorer_texts=services.explorer_texts())
    return render_template("network/explorer.html", **context)


@bp.get("/network/explorer.json")
def explorer_data() -> ResponseReturnValue:
    return jsonify(services.explorer_data(current_user))


@bp.get("/network/explorer/what-if.json")
def explorer_what_if() -> ResponseReturnValue:
    return jsonify(services.explorer_what_if(current_user, services.parse_refs(request.args.getlist("remove"))))


@bp.get("/network/people/<ref>")
def person(ref: str) -> ResponseReturnValue:
    mode = services.pseudonymised()
    person_id = services.resolve_person(ref, pseudonymised_mode=mode)
    if person_id is None:
        abort(404)
    page = queries.person_report(person_id, mode)
    event = audit.record("network.viewed", actor=current_user, subject_type="user", subject_id=person_id,
                         note="person", at_once=True)
    banded = banded_figures(page.figure) if mode and page.figure is not None else None
    context = {"page": page, "pseudonymised": mode, "view": picture_token(event), "ref": page.person.key,
               "banded": banded,
               "role_labels": queries.ROLE_LABELS,
               "in_graph": page.figure is not None or bool(page.history)}
    return render_template("network/person.html", **context)


@bp.post("/network/analyse")
def recompute() -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        abort(400)
    status, outcome = services.request_analysis(current_user)
    if status == "queued":
        services.start_job_after_commit(outcome.id)
        flash(_("The organisation is large: the analysis runs in the background (job %(id)d). "
                "Reload this page in a minute.", id=outcome.id), "info")
    else:
        flash(_("A new snapshot was computed in %(time)s.", time=briefing.duration_words(outcome.duration)), "success")
    return redirect(url_for("network.dashboard"))


@bp.route("/network/reveal", methods=["GET", "POST"])
def reveal() -> ResponseReturnValue:
    form = RevealForm()
    revealed = None
    if form.validate_on_submit():
        with form_attempt(form):
            revealed = services.reveal(current_user, form.pseudonym.data or "", form.reason.data or "")
    elif request.method == "GET":
        form.pseudonym.data = (request.args.get("pseudonym") or "")[:20]
    return render_template("network/reveal.html", form=form, revealed=revealed,
                           pseudonym=(form.pseudonym.data or "").strip().upper())


@bp.post("/network/settings")
def settings() -> ResponseReturnValue:
    form = SettingsForm()
    if not form.validate_on_submit():
        abort(400)
    with form_attempt(form) as attempt:
        services.set_pseudonymised(current_user, form.pseudonymised.data)
    if attempt.error is not None:
        flash(attempt.error.message, "error")
    else:
        flash(_("Pseudonymised mode is on.") if form.pseudonymised.data else _("Pseudonymised mode is off."),
              "success")
    return redirect(url_for("network.dashboard"))


@bp.get("/network/findings.csv")
def findings_csv() -> ResponseReturnValue:
    content = services.findings_csv(current_user)
    filename = f"network-findings-{date.today().isoformat()}.csv"
    return csv_response(content, filename)


# --------------------------------------------------------------------------- pictures


@bp.get("/network/pictures/<name>.svg")
def picture(name: str) -> ResponseReturnValue:
    draw = PICTURES.get(name)
    if draw is None:
        abort(404)
    _check_picture_token()
    return _svg(draw(current_user))


@bp.get("/network/people/<ref>/ego.svg")
def ego_picture(ref: str) -> ResponseReturnValue:
    _check_picture_token()
    return _svg(services.ego_svg(current_user, ref))
