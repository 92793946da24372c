from flask import jsonify, render_template
from sqlalchemy import text

from community.extensions import db, limiter
from community.main import bp


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/livez")
@limiter.exempt
def livez():
    """Liveness: the process answers (no database involved); also the load test's bare endpoint."""
    return jsonify(status="ok")


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the database answers, 503 (via the error handler) when not."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
