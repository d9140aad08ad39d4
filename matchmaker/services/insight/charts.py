"""The insight pages' charts: each figure's title, description, numbers (its table and CSV) and
geometry (matchmaker/charts.py), in the reader's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.charts import BarSpec, Group, bar_chart, column_chart
from matchmaker.dates import format_moment
from matchmaker.labels import (
    INVESTOR_TYPE_LABELS,
    LOST_REASON_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    country_name,
)
from matchmaker.services.directory import defuse_cell
from matchmaker.services.insight.dashboard import INTRODUCTION_ACCEPTED, Dashboard, dashboard
from matchmaker.services.insight.gaps import DemandGaps, demand_gaps
from matchmaker.services.insight.introductions import (
    IntroductionFigures,
    Outcomes,
    introduction_figures,
)
from matchmaker.services.insight.period import Period, Row
from matchmaker.services.insight.quality import MatchQuality, Precision, match_quality

SOLID, HATCHED, OUTLINE, DASHED = "solid", "hatched", "outline", "dashed"


@dataclass(frozen=True)
class Chart:
    """A chart with its numbers: drawn as SVG, listed in a table, downloadable as CSV."""

    name: str  # in the CSV's address
    title: str
    description: str  # what the chart shows, for screen readers and the page
    kind: str  # bars | columns
    geometry: Any
    header: Sequence[str]  # the table's and the CSV's columns
    rows: Sequence[Sequence[Any]]
    legend: Sequence[tuple[str, str]] = ()  # (style, label)
    empty: str = ""  # what the page says when there are no rows (a general sentence if blank)


def _bars(
    name: str,
    title: str,
    description: str,
    groups: Sequence[Group],
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    legend: Sequence[tuple[str, str]] = (),
    maximum: float | None = None,
    empty: str = "",
) -> Chart:
    """A chart of horizontal bars, a group of them per row."""
    return Chart(name=name, title=title, description=description, kind="bars",
                 geometry=bar_chart(groups, maximum=maximum), header=header, rows=rows,
                 legend=legend, empty=empty)  # fmt: skip


def chart_named(name: str, period: Period) -> Chart | None:
    """The chart called name, for the period (None: no chart has that name)."""
    if name.startswith("gap-"):
        charts = gap_charts(demand_gaps(period))
    elif name.startswith("quality-"):
        charts = quality_charts(match_quality(period))
    elif name.startswith("introductions-"):
        charts = introduction_charts(introduction_figures(period))
    else:
        charts = dashboard_charts(dashboard(period))
    return next((chart for chart in charts if chart.name == name), None)


def csv_text(chart: Chart) -> str:
    """The chart's numbers as CSV, with a byte-order mark (so that spreadsheets read UTF-8)
    and every text cell a spreadsheet would run as a formula defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chart.header)
    for row in chart.rows:
        writer.writerow(defuse_cell(str(cell)) if isinstance(cell, str) else cell for cell in row)
    return "\ufeff" + out.getvalue()


def hours_text(value: float | None) -> str:
    """A duration in hours as the page shows it: hours up to two days, days beyond."""
    if value is None:
        return "–"
    if value < 48:
        return _("%(hours)s hours", hours=format_decimal(round(value, 1)))
    return _("%(days)s days", days=format_decimal(round(value / 24, 1)))


def _counts_chart(name: str, title: str, description: str, rows: Sequence[Row],
                  label: Callable[[str], Any], what: str) -> Chart:  # fmt: skip
    labelled = [(str(label(row.code)), row.code, int(row.value)) for row in rows]
    return _bars(name, title, description,
                 [Group(text, [BarSpec(value, str(value))]) for text, _c, value in labelled],
                 header=(what, _("code"), _("leads")), rows=labelled)  # fmt: skip


# The dashboard ---------------------------------------------------------------------------------


def dashboard_charts(board: Dashboard) -> list[Chart]:
    return [
        _over_time_chart(board),
        _counts_chart("sectors", _("Leads by sector"),
                      _("A lead interested in several sectors counts in each."),
                      board.by_sector, lambda code: SECTOR_LABELS.get(code, code), _("sector")),
        _counts_chart("countries", _("Leads by country"), _("The investor's country."),
                      board.by_country, country_name, _("country")),
        _counts_chart("investor-types", _("Leads by kind of investor"),
                      _("What investors said they are."), board.by_investor_type,
                      lambda code: INVESTOR_TYPE_LABELS.get(code, code), _("kind of investor")),
        _counts_chart("lost-reasons", _("Why leads were lost"),
                      _("The period's leads now lost, by the reason chosen when marking them."),
                      board.lost_reasons, lambda code: LOST_REASON_LABELS.get(code, code),
                      _("reason")),
        _funnel_chart(board.funnel),
        _load_chart(board.load),
    ]  # fmt: skip


def _over_time_chart(board: Dashboard) -> Chart:
    bucket_names = {"day": _l("day"), "week": _l("week starting"), "month": _l("month")}
    per_bucket = {
        "day": _l("Leads received per day, from %(start)s to %(end)s."),
        "week": _l("Leads received per week (from Monday), from %(start)s to %(end)s."),
        "month": _l("Leads received per month, from %(start)s to %(end)s."),
    }
    return Chart(
        name="over-time",
        title=_("Leads received over time"),
        description=str(per_bucket[board.granularity])
        % {"start": format_moment(board.period.start, "date"),
           "end": format_moment(board.period.end, "date")},
        kind="columns",
        geometry=column_chart([(_short_date(row.code, board.granularity), row.value)
                               for row in board.over_time]),
        header=(str(bucket_names[board.granularity]), _("leads")),
        rows=[(row.code, int(row.value)) for row in board.over_time],
    )  # fmt: skip


def _short_date(iso: str, granularity: str) -> str:
    """A chart's axis label: "12 Apr" for a day or a week, "Apr 2026" for a month."""
    day = date.fromisoformat(iso)
    return format_moment(day, "month" if granularity == "month" else "day")


FUNNEL_LABELS = {**STATUS_LABELS, INTRODUCTION_ACCEPTED: _l("Introduction accepted")}
FUNNEL_KINDS = {  # a row's kind -> its style, and its meaning in the table
    "stage": (SOLID, _l("reached")),
    "accepted": (OUTLINE, _l("at least one")),
    "exit": (HATCHED, _l("left the pipeline")),
}


def _funnel_chart(funnel: Sequence[Row]) -> Chart:
    kinds = [FUNNEL_KINDS[row.extra["kind"]] for row in funnel]
    rows = [
        (str(FUNNEL_LABELS.get(row.code, row.code)), row.code, int(row.value), str(meaning))
        for row, (_style, meaning) in zip(funnel, kinds, strict=True)
    ]  # fmt: skip
    return _bars(
        "funnel", _("Pipeline"),
        _("How many of the period's leads reached each stage (from their status history), how "
          "many had an introduction accepted, and how many left the pipeline, by reason."),
        [Group(f"{label} ({meaning})", [BarSpec(value, str(value), style)])
         for (label, _code, value, meaning), (style, _m) in zip(rows, kinds, strict=True)],
        header=(_("status"), _("code"), _("leads"), _("meaning")),
        rows=rows,
        legend=((SOLID, _("reached this stage or a later one")),
                (OUTLINE, _("at least one introduction accepted by an organization")),
                (HATCHED, _("left the pipeline with this status"))),
    )  # fmt: skip


def _load_chart(load: Sequence[Row]) -> Chart:
    return _bars(
        "load", _("Load per staff member"),
        _("Open leads assigned to each staff member today, and how many of them are stale; "
          "leads of the period assigned to them."),
        [Group(row.extra["name"] or _("Nobody (unassigned)"),
               [BarSpec(row.value, _("%(num)d open", num=row.value)),
                BarSpec(row.extra["stale"], _("%(num)d stale", num=row.extra["stale"]), HATCHED)])
         for row in load],
        header=(_("staff member"), _("open leads"), _("stale leads"),
                _("leads received in the period")),
        rows=[(row.extra["name"] or _("Nobody (unassigned)"), int(row.value),
               row.extra["stale"], row.extra["received"]) for row in load],
        legend=((SOLID, _("open leads")), (HATCHED, _("of which stale"))),
    )  # fmt: skip


# Demand gaps -----------------------------------------------------------------------------------


def gap_charts(gaps: DemandGaps) -> list[Chart]:
    sectors = [
        (str(SECTOR_LABELS.get(row.code, row.code)), row.code, int(row.value),
         row.extra["total"], round(row.extra["share"], 4))
        for row in gaps.by_sector
    ]  # fmt: skip
    return [
        _bars(
            "gap-sectors", _("Weak matches by sector"),
            _("Leads whose best match scored below %(threshold)s, out of all the period's "
              "leads in the sector.", threshold=gaps.threshold),
            [Group(label, [BarSpec(total, _("%(num)d leads", num=total)),
                           BarSpec(weak, _("%(num)d weak (%(share)s)", num=weak,
                                           share=format_percent(share)), HATCHED)])
             for label, _code, weak, total, share in sectors],
            header=(_("sector"), _("code"), _("weak leads"), _("leads"), _("share weak")),
            rows=sectors,
            legend=((SOLID, _("leads in the sector")),
                    (HATCHED, _("of which the best match is weak"))),
        ),
        _bars(
            "gap-terms", _("What investors ask for that the directory lacks"),
            _("Words of the weak leads' descriptions that leads with a strong match seldom "
              "use: the number of weak leads that used each."),
            [Group(f"“{term.term}”", [BarSpec(term.weak, str(term.weak))])
             for term in gaps.terms],
            header=(_("term"), _("weak leads"), _("leads with a strong match"), _("examples")),
            rows=[(term.term, term.weak, term.strong, " ".join(term.codes))
                  for term in gaps.terms],
        ),
    ]  # fmt: skip


# Introductions --------------------------------------------------------------------------------


def introduction_charts(figures: IntroductionFigures) -> list[Chart]:
    sent = figures.total.sent
    months = [(format_moment(month, "month"), month.strftime("%Y-%m"), outcomes)
              for month, outcomes in figures.by_month if sent]  # fmt: skip
    sectors = [(str(SECTOR_LABELS.get(code, code)) if code else _("No sector chosen"), code,
                outcomes) for code, outcomes in figures.by_sector]  # fmt: skip
    return [
        _outcomes_chart("introductions-months", _("Introductions sent per month"),
                        _("By the month each was sent (the period's first and last months only "
                          "for their days in it), with where it stands today; the numbers also "
                          "give those awaiting an answer."),
                        _("month"), months),
        _outcomes_chart("introductions-sectors", _("Introductions sent by sector"),
                        _("By the sectors of the lead: a lead in two sectors counts its "
                          "introductions in both, one that chose none under “No sector "
                          "chosen”."),
                        _("sector"), sectors),
    ]  # fmt: skip


def _outcomes_chart(name: str, title: str, description: str, what: str,
                    items: Sequence[tuple[str, str, Outcomes]]) -> Chart:  # fmt: skip
    return _bars(
        name, title, description,
        [Group(label, _outcome_bars(outcomes)) for label, _code, outcomes in items],
        header=(what, _("code"), _("sent"), _("accepted"), _("declined"), _("expired"),
                _("awaiting an answer")),
        rows=[(label, code, o.sent, o.accepted, o.declined, o.expired, o.awaiting)
              for label, code, o in items],
        legend=((SOLID, _("sent")), (HATCHED, _("accepted")), (OUTLINE, _("declined")),
                (DASHED, _("expired"))),
        empty=_("No introductions sent in this period."),
    )  # fmt: skip


def _outcome_bars(outcomes: Outcomes) -> list[BarSpec]:
    """Sent, then accepted, declined and expired; each bar says what it counts."""
    return [
        BarSpec(outcomes.sent, ngettext("%(num)d sent", "%(num)d sent", outcomes.sent), SOLID),
        BarSpec(outcomes.accepted, ngettext("%(num)d accepted", "%(num)d accepted",
                                            outcomes.accepted), HATCHED),
        BarSpec(outcomes.declined, ngettext("%(num)d declined", "%(num)d declined",
                                            outcomes.declined), OUTLINE),
        BarSpec(outcomes.expired, ngettext("%(num)d expired", "%(num)d expired",
                                           outcomes.expired), DASHED),
    ]  # fmt: skip


# Match quality ---------------------------------------------------------------------------------


def quality_charts(quality: MatchQuality) -> list[Chart]:
    return [
        _precision_chart(
            "quality-sectors", _("Precision at 5 by sector"),
            _("Share of the judged matches among the engine's first five that staff found "
              "relevant or introduced, for leads in each sector."),
            _("sector"),
            _precision_rows(quality.by_sector, lambda code: str(SECTOR_LABELS.get(code, code))),
        ),
        _precision_chart(
            "quality-months", _("Precision at 5 over time"),
            _("By the month the leads were received."), _("month"),
            _precision_rows(quality.by_month, str),
        ),
        _precision_chart(
            "quality-versions", _("Precision at 5 by engine and directory version"),
            _("Each ranking is counted under the engine and directory versions that made it."),
            _("versions"),
            _precision_rows(quality.by_version, lambda key: _("engine %(engine)s, directory "
                                                             "%(directory)s", engine=key[0] or "?",
                                                             directory=key[1])),
        ),
    ]  # fmt: skip


def _precision_rows(
    items: Sequence[tuple[Any, Precision]], label: Callable[[Any], str]
) -> list[tuple[str, float, int, int, int]]:
    return [
        (label(key), round(p.value, 4), p.relevant, p.judged, p.leads)
        for key, p in items
        if p.value is not None
    ]


def _precision_chart(name: str, title: str, description: str, what: str,
                     rows: Sequence[tuple[str, float, int, int, int]]) -> Chart:  # fmt: skip
    return _bars(
        name, title, description,
        [Group(label, [BarSpec(value, _("%(precision)s (%(relevant)d of %(judged)d)",
                                        precision=format_percent(value),
                                        relevant=relevant, judged=judged))])
         for label, value, relevant, judged, _leads in rows],
        header=(what, _("precision at 5"), _("relevant"), _("judged"), _("leads")),
        rows=rows,
        maximum=1,
    )  # fmt: skip
