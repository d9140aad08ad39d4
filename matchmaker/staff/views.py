"""The back office's home."""

from flask import render_template

from matchmaker.staff import bp


@bp.get("/")
def index():
    return render_template("staff/index.html")
