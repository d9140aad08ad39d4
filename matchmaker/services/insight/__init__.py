"""Insight for staff: where leads come from, how fast staff act, where the directory falls short,
how good the engine's matches are by the staff's own verdicts, and how organizations answer
introductions.

Every figure is computed for the leads received in a date range (days in the back office's time
zone, both included), except the introductions' own figures: those count the introductions sent
in it. Aggregation happens in Python over a few narrow queries: the agency
receives thousands of leads a year, not millions, and the same code then runs on SQLite and
PostgreSQL alike.

- `period`: the date range, and a chart's row
- `dashboard`: sources, pipeline, time to the first action, each staff member's load
- `gaps`: leads with weak matches and what they ask for
- `quality`: precision at 5 from the staff's verdicts
- `introductions`: introductions sent, their answers per month and sector, the time to an answer
- `charts`: each page's charts (titles, numbers, geometry) and their CSV
"""

from matchmaker.services.insight.charts import (
    Chart,
    chart_named,
    csv_text,
    dashboard_charts,
    gap_charts,
    hours_text,
    introduction_charts,
    quality_charts,
)
from matchmaker.services.insight.dashboard import Dashboard, dashboard
from matchmaker.services.insight.gaps import DemandGaps, demand_gaps
from matchmaker.services.insight.introductions import IntroductionFigures, introduction_figures
from matchmaker.services.insight.period import Period
from matchmaker.services.insight.quality import MatchQuality, match_quality

__all__ = [
    "Chart", "Dashboard", "DemandGaps", "IntroductionFigures", "MatchQuality", "Period",
    "chart_named", "csv_text", "dashboard", "dashboard_charts", "demand_gaps", "gap_charts",
    "hours_text", "introduction_charts", "introduction_figures", "match_quality",
    "quality_charts",
]  # fmt: skip
