"""Insight pages: the dashboard, the demand gaps, the match quality and the introductions, each
chart as CSV too.

The figures and their charts come from services/insight; these views read the period, call it
and render."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import format_percent

from matchmaker.services import insight
from matchmaker.staff import bp
from matchmaker.staff.insight_forms import PeriodForm


def _period() -> tuple[PeriodForm, insight.Period]:
    """The period the form asks for: the default one when it asks for none or is wrong."""
    form = PeriodForm(request.args)
    if request.args and form.validate():
        period = insight.Period.chosen(form.start.data, form.end.data)
    else:
        period = insight.Period.default()
    form.start.data, form.end.data = period.start, period.end
    return form, period


@bp.get("/insight")
def insight_dashboard():
    form, period = _period()
    board = insight.dashboard(period)
    return render_template("staff/insight_dashboard.html", form=form, board=board,
                           charts=insight.dashboard_charts(board),
                           hours=insight.hours_text)  # fmt: skip


@bp.get("/insight/gaps")
def insight_gaps():
    form, period = _period()
    gaps = insight.demand_gaps(period)
    return render_template("staff/insight_gaps.html", form=form, gaps=gaps,
                           charts=insight.gap_charts(gaps))  # fmt: skip


@bp.get("/insight/quality")
def insight_quality():
    form, period = _period()
    quality = insight.match_quality(period)
    return render_template("staff/insight_quality.html", form=form, quality=quality,
                           charts=insight.quality_charts(quality),
                           percent=format_percent)  # fmt: skip


@bp.get("/insight/introductions")
def insight_introductions():
    form, period = _period()
    figures = insight.introduction_figures(period)
    return render_template("staff/insight_introductions.html", form=form, figures=figures,
                           charts=insight.introduction_charts(figures),
                           hours=insight.hours_text)  # fmt: skip


@bp.get("/insight/<name>.csv")
def insight_csv(name: str):
    _form, period = _period()
    chart = insight.chart_named(name, period)
    if chart is None:
        abort(404)
    filename = f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        insight.csv_text(chart),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
