"""`coe kpi …`: compare sites on numbers everybody can trust, with how sure each one is."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import typer

from coe.cli.api import ApiUrlOption, OnlyTemplateOption, TokenOption, client
from coe.cli.output import JsonOption, console, emit, errors, examples, fail, table

app = typer.Typer(
    help="Cross-site KPIs: right-first-time, scrap, rework, release velocity.", no_args_is_help=True
)

METRICS = ("right_first_time", "scrap_ratio", "rework_ratio", "release_velocity")
DIMENSIONS = ("site", "region", "template", "version", "product", "period")
REPORT = """query($m: KpiMetric!, $g: [KpiDimension!], $f: KpiFilter, $from: Date, $to: Date,
  $p: KpiPeriod!) { kpis(metric: $m, groupBy: $g, filter: $f, from: $from, to: $to, period: $p)
  { from to rows { group { site region template version product period } numerator denominator
  value low high count medianHours p90Hours rank overlapsWith } enterprise { numerator
  denominator value low high count medianHours p90Hours } warning dataFrom dataTo } }"""
BARS = " ▁▂▃▄▅▆▇█"
DAY_FORMS = "YYYY-MM-DD, today, yesterday, tomorrow, Nd (N days ago) or Nw (N weeks ago), in UTC"
RELATIVE = re.compile(r"(\d+)([dw])")
NAMED_DAYS = {"today": 0, "yesterday": 1, "tomorrow": -1}


def parse_day(given: str | None, option: str, today: date | None = None) -> date | None:
    """A day as the KPI commands take it: an ISO date, or relative to today (UTC), so that an
    example works on any day."""
    if given is None:
        return None
    today = today or datetime.now(UTC).date()
    text = given.strip().lower()
    if text in NAMED_DAYS:
        return today - timedelta(days=NAMED_DAYS[text])
    relative = RELATIVE.fullmatch(text)
    if relative:
        count, unit = int(relative.group(1)), relative.group(2)
        return today - timedelta(days=count * (7 if unit == "w" else 1))
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {given!r}: give {DAY_FORMS}", code="BAD_USER_INPUT")


FromOption = typer.Option(
    None, "--from", metavar="DAY", help=f"First day: {DAY_FORMS}; default 30 days ago."
)

ToOption = typer.Option(
    None,
    "--to",
    metavar="DAY",
    help=f"Day after the last (exclusive): {DAY_FORMS}; default tomorrow (today included).",
)


def warn_if_empty(report: dict[str, Any]) -> None:
    """An empty window says so, and which days hold data (on stderr: the table stays clean)."""
    if report.get("warning"):
        errors.print(f"[yellow]note[/]: {report['warning']}", highlight=False)


def _metric(metric: str) -> str:
    if metric not in METRICS:
        fail(f"--metric must be one of {', '.join(METRICS)}", code="BAD_USER_INPUT")
    return metric.upper()


def _fetch(
    api_url: str,
    token: str | None,
    metric: str,
    by: list[str],
    period: str,
    template: str | None,
    site: list[str],
    start: str | None,
    end: str | None,
) -> dict[str, Any]:
    """The KPI report of `compare` and `trend`, --from/--to as people type them."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        fail(f"--by takes {', '.join(DIMENSIONS)}; not {', '.join(unknown)}", code="BAD_USER_INPUT")
    criteria = {"template": template, "sites": site or None}
    report: dict[str, Any] = client(api_url, token).execute(
        REPORT,
        {
            "m": _metric(metric),
            "g": [d.upper() for d in by],
            "p": period.upper(),
            "f": {k: v for k, v in criteria.items() if v is not None} or None,
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        },
    )["kpis"]
    return report


def _label(row: dict[str, Any], by: list[str]) -> str:
    return " / ".join(str(row["group"][d]) for d in by)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _ratio_cells(row: dict[str, Any]) -> list[str]:
    return [
        _percent(row["value"]),
        f"{_percent(row['low'])} … {_percent(row['high'])}",
        f"{row['numerator']}/{row['denominator']}",
    ]


def _velocity_cells(row: dict[str, Any]) -> list[str]:
    def hours(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f} h"

    return [hours(row["medianHours"]), hours(row["p90Hours"]), str(row["count"])]


@app.command(
    "compare",
    epilog=examples(
        "coe kpi compare",
        "coe kpi compare --metric scrap_ratio --from 7d",
        "coe kpi compare --metric release_velocity --by site",
        "coe kpi compare --by region --by version --template sterile-barrier-sealing --from 14d "
        "--to tomorrow",
    ),
)
def compare(
    metric: str = typer.Option("right_first_time", help="; ".join(METRICS)),
    by: list[str] = typer.Option(["site"], "--by", help="Group by: " + ", ".join(DIMENSIONS)),
    template: str | None = OnlyTemplateOption,
    site: list[str] = typer.Option([], "--site", help="Only these sites."),
    start: str | None = FromOption,
    end: str | None = ToOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Rank sites (or any grouping) on one KPI, each with its count and 95 % interval; rows whose
    intervals overlap are flagged, so nobody over-reads a small difference."""
    report = _fetch(api_url, token, metric, by, "day", template, site, start, end)
    emit(report, as_json, lambda: _render(report, metric, by))
    warn_if_empty(report)


def _render(report: dict[str, Any], metric: str, by: list[str]) -> None:
    velocity = metric == "release_velocity"
    columns = [
        "#",
        " / ".join(by),
        *(["median", "p90", "batches"] if velocity else ["value", "95 % interval", "units"]),
    ]
    if not velocity:
        columns.append("not distinguishable from")
    rows = []
    for row in report["rows"]:
        cells = _velocity_cells(row) if velocity else _ratio_cells(row)
        extra = [] if velocity else [", ".join(row["overlapsWith"])]
        rows.append([row["rank"], _label(row, by), *cells, *extra])
    enterprise = report["enterprise"]
    rows.append(
        [
            "",
            "[bold]enterprise[/]",
            *(_velocity_cells(enterprise) if velocity else _ratio_cells(enterprise)),
            *([] if velocity else [""]),
        ]
    )
    table(
        f"{metric.replace('_', ' ')} by {', '.join(by)}, {report['from']} to {report['to']}",
        columns,
        rows,
    )


@app.command(
    "trend",
    epilog=examples(
        "coe kpi trend --period week",
        "coe kpi trend --metric rework_ratio --period day --from 2w --site cork --site penang",
    ),
)
def trend(
    metric: str = typer.Option("right_first_time", help="; ".join(METRICS)),
    period: str = typer.Option("week", help="day, week or month."),
    template: str | None = OnlyTemplateOption,
    site: list[str] = typer.Option([], "--site", help="Only these sites (default: all)."),
    start: str | None = FromOption,
    end: str | None = ToOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """A KPI per site over time, as a small text chart."""
    if period not in ("day", "week", "month"):
        fail("--period is day, week or month", code="BAD_USER_INPUT")
    report = _fetch(api_url, token, metric, ["site", "period"], period, template, site, start, end)
    emit(report, as_json, lambda: _render_trend(report, metric))
    warn_if_empty(report)


def _render_trend(report: dict[str, Any], metric: str) -> None:
    velocity = metric == "release_velocity"
    periods = sorted({row["group"]["period"] for row in report["rows"]})
    series: dict[str, dict[str, float | None]] = {}
    for row in report["rows"]:
        value = row["medianHours"] if velocity else row["value"]
        series.setdefault(row["group"]["site"], {})[row["group"]["period"]] = value
    values = [v for points in series.values() for v in points.values() if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    console.print(
        f"{metric.replace('_', ' ')} per {len(periods)} period(s) "
        f"{periods[0] if periods else ''} … {periods[-1] if periods else ''}; "
        f"scale {low:.3g} … {high:.3g}",
        highlight=False,
    )
    for site, points in sorted(series.items()):
        chart = "".join(_bar(points.get(p), low, high) for p in periods)
        latest = next((points[p] for p in reversed(periods) if points.get(p) is not None), None)
        shown = "—" if latest is None else f"{latest:.1f} h" if velocity else _percent(latest)
        console.print(f"  {site:<14} {chart}  {shown}", highlight=False)


def _bar(value: float | None, low: float, high: float) -> str:
    if value is None:
        return " "
    span = (high - low) or 1.0
    return BARS[1 + round((value - low) / span * (len(BARS) - 2))]


@app.command(
    "versions",
    epilog=examples(
        "coe kpi versions sterile-barrier-sealing --from-version 1.4.0 --to-version 2.0.0",
        "coe kpi versions sterile-barrier-sealing --from-version 1.4.0 --to-version 2.0.0 "
        "--metric scrap_ratio --from 30d",
    ),
)
def versions(
    template: str = typer.Argument(..., help="Template key."),
    old: str = typer.Option(..., "--from-version", help="The older version."),
    new: str = typer.Option(..., "--to-version", help="The newer version."),
    metric: str = typer.Option("right_first_time", help="A ratio KPI."),
    start: str | None = FromOption,
    end: str | None = ToOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Before/after: a KPI under two versions per site, the difference and its interval.
    The enterprise row pools only the sites that ran both versions."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    result = client(api_url, token).execute(
        "query($t: String!, $a: String!, $b: String!, $m: KpiMetric!, $from: Date, $to: Date) "
        "{ compareVersions(template: $t, fromVersion: $a, toVersion: $b, metric: $m, from: "
        "$from, to: $to) { sites { site before { "
        "numerator denominator value } after { numerator denominator value } difference low "
        "high significant } enterprise { site difference low high significant before { "
        "numerator denominator value } after { numerator denominator value } } "
        "warning dataFrom dataTo } }",
        {
            "t": template,
            "a": old,
            "b": new,
            "m": _metric(metric),
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        },
    )["compareVersions"]
    emit(
        result,
        as_json,
        lambda: table(
            f"{metric} {template} {old} → {new}",
            ["site", old, new, "difference (95 % interval)", "significant"],
            [
                (
                    c["site"],
                    f"{_percent(c['before']['value'])} ({c['before']['denominator']})",
                    f"{_percent(c['after']['value'])} ({c['after']['denominator']})",
                    _change(c),
                    "yes" if c["significant"] else "no",
                )
                for c in [*result["sites"], result["enterprise"]]
            ],
        ),
    )
    warn_if_empty(result)


def _change(comparison: dict[str, Any]) -> str:
    if comparison["difference"] is None:
        return "—"
    return (
        f"{comparison['difference'] * 100:+.1f} pts ({comparison['low'] * 100:+.1f} … "
        f"{comparison['high'] * 100:+.1f})"
    )


@app.command(
    "adoption",
    epilog=examples(
        "coe kpi adoption",
        "coe kpi adoption --template sterile-barrier-sealing --json",
    ),
)
def adoption(
    template: str | None = OnlyTemplateOption,
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Share of sites on each template's current version, and how long each took."""
    rows = client(api_url, token).execute(
        "query($t: String) { adoption(template: $t) { template currentVersion publishedAt "
        "sitesUsing sitesOnCurrent share leadTimes { site hours } } }",
        {"t": template},
    )["adoption"]
    emit(
        rows,
        as_json,
        lambda: table(
            "Standard adoption",
            ["template", "current", "on current", "lead time per site"],
            [
                (
                    r["template"],
                    r["currentVersion"],
                    f"{r['sitesOnCurrent']}/{r['sitesUsing']}",
                    ", ".join(
                        f"{t['site']} {t['hours']:.1f} h"
                        if t["hours"] is not None
                        else f"{t['site']} —"
                        for t in r["leadTimes"]
                    ),
                )
                for r in rows
            ],
        ),
    )
