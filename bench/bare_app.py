"""The bare Flask reference for `bench/served_bench.py`: one route, no database, no extensions.

Served by gunicorn exactly like the product (same settings file, same worker count), so the
share "page / bare" measures what the product adds on top of Flask and gunicorn themselves.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return {"status": "ok"}
