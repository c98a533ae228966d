"""The month's statistics as titled tables and bar charts, in the request's language.

The page, the CSV files and the workbook all read these tables, so they always say the same thing.
"""

from __future__ import annotations

from markupsafe import Markup

from app.i18n import gettext as _
from app.labels import channel_name, status_name, trade_name, urgency_name
from app.services.reports.month import Facts, MonthStats
from app.services.reports.tables import COUNT, HOURS, MINUTES, MONEY, PERCENT, RATING, TEXT, Column, Table
from app.services.svg_charts import bar_chart

TABLE_KEYS = ("summary", "by_trade", "by_estate", "by_channel", "by_urgency", "by_technician", "open_at_end")


def _facts_columns(first: str) -> list[Column]:
    return [
        Column(first, TEXT),
        Column(_("Tickets")),
        Column(_("Completed")),
        Column(_("Average response (min)"), MINUTES),
        Column(_("On site within SLA (%)"), PERCENT),
        Column(_("Average completion (h)"), HOURS),
        Column(_("Finished by the SLA day (%)"), PERCENT),
        Column(_("First-time fix (%)"), PERCENT),
        Column(_("Average rating"), RATING),
        Column(_("Satisfied (%)"), PERCENT),
        Column(_("Paid")),
        Column(_("Free")),
        Column(_("In warranty")),
        Column(_("Revenue (yuan)"), MONEY),
    ]


def _facts_row(name: str, f: Facts) -> list:
    return [name, f.tickets, f.completed, f.avg_response_min, f.response_met_pct, f.avg_completion_h,
            f.completion_met_pct, f.first_time_fix_pct, f.avg_rating, f.satisfied_pct, f.paid, f.free, f.warranty,
            f.revenue]


def month_tables(stats: MonthStats) -> list[Table]:
    facts_tables = [
        Table("summary", _("All tickets reported in the month"), _facts_columns(_("Month")),
              [_facts_row(stats.first_day.strftime("%Y-%m"), stats.total)]),
        Table("by_trade", _("By trade"), _facts_columns(_("Trade")),
              [_facts_row(trade_name(trade), f) for trade, f in stats.by_trade]),
        Table("by_estate", _("By estate"), _facts_columns(_("Estate")),
              [_facts_row(estate.name, f) for estate, f in stats.by_estate]),
        Table("by_channel", _("By channel"), _facts_columns(_("Channel")),
              [_facts_row(channel_name(channel), f) for channel, f in stats.by_channel]),
        Table("by_urgency", _("By urgency"), _facts_columns(_("Urgency")),
              [_facts_row(urgency_name(urgency), f) for urgency, f in stats.by_urgency]),
    ]
    technicians = Table(
        "by_technician", _("By technician"),
        [Column(_("Technician"), TEXT), Column(_("Tickets")), Column(_("Completed")), Column(_("First-time fix (%)"), PERCENT),
         Column(_("Average rating"), RATING), Column(_("Rated")), Column(_("Planned stops")), Column(_("Travel (h)"), HOURS),
         Column(_("Utilisation (%)"), PERCENT)],
        [[m.name, m.facts.tickets, m.facts.completed, m.facts.first_time_fix_pct, m.facts.avg_rating, m.facts.rated,
          m.planned_stops, m.travel_h, m.utilisation_pct] for m in stats.by_technician],
        note=_("Travel and utilisation come from the day plans applied in the month: planned work and travel "
               "over the shift time of those days."),
    )
    still_open = Table(
        "open_at_end", _("Still open at the end of the month"),
        [Column(_("Status then"), TEXT), Column(_("Tickets")), Column(_("Past their SLA"))],
        [[status_name(row.status), row.tickets, row.past_sla] for row in stats.open_at_end],
        note=_("Every ticket reported before the end that had not been confirmed, closed or cancelled by then, "
               "with the state it was in."),
    )
    return [*facts_tables, technicians, still_open]


def month_charts(stats: MonthStats) -> dict[str, Markup]:
    def volumes(rows: list, label, title: str, key: str) -> Markup:  # noqa: ANN001
        return bar_chart([(label(item), facts.tickets) for item, facts in rows], title=title, testid=f"chart-{key}")

    return {
        "by_trade": volumes(stats.by_trade, trade_name, _("Tickets by trade"), "by_trade"),
        "by_estate": volumes(stats.by_estate, lambda e: e.name, _("Tickets by estate"), "by_estate"),
        "by_channel": volumes(stats.by_channel, channel_name, _("Tickets by channel"), "by_channel"),
        "by_urgency": volumes(stats.by_urgency, urgency_name, _("Tickets by urgency"), "by_urgency"),
        "open_at_end": bar_chart([(status_name(row.status), row.tickets) for row in stats.open_at_end],
                                 title=_("Still open by status"), color="#b26a00", testid="chart-open_at_end"),
    }
