"""Bar charts as inline SVG markup: drawn on the server, printable, no script and no chart library.

Labels and titles are escaped here; the markup is returned as `Markup` so templates insert it as is.
Text takes the page's font, so Chinese labels render with the same CJK font as the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

FONT_PX = 13
ROW_PX = 26
BAR_PX = 16
TOP_PX = 6
VALUE_PX = 64  # room right of the longest bar for its figure


def text_width(text: str, font_px: float = FONT_PX) -> float:
    """A close enough width for layout: CJK and full-width characters are square, Latin about 0.6 em."""
    return sum(font_px if ord(ch) >= 0x2E80 else font_px * 0.6 for ch in text)


def fit(text: str, room_px: float) -> str:
    """The text cut with an ellipsis so that it fits `room_px`; the full label stays in the tooltip."""
    if text_width(text) <= room_px:
        return text
    while text and text_width(text + "…") > room_px:
        text = text[:-1]
    return text + "…"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, width: int = 440,
              value_text: Callable[[float], str] = _number, color: str = "#0b6e4f",
              max_value: float | None = None, testid: str = "") -> Markup:
    """Horizontal bars, one per (label, value), longest scaled to the free width (or to `max_value`)."""
    label_px = min(max((text_width(label) for label, _ in bars), default=0) + 10, width * 0.42)
    track_px = width - label_px - VALUE_PX
    top = max([max_value or 0, *(value for _, value in bars)]) or 1
    height = TOP_PX * 2 + ROW_PX * max(len(bars), 1)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="{escape(title)}"'
        + (f' data-testid="{escape(testid)}"' if testid else "") + ">",
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP_PX + index * ROW_PX
        middle = y + ROW_PX / 2
        length = max(track_px * (value / top), 1 if value else 0)
        parts.append(
            f'<g class="bar"><text x="{label_px - 8:.1f}" y="{middle:.1f}" text-anchor="end" dominant-baseline="central" '
            f'font-size="{FONT_PX}"><title>{escape(label)}</title>{escape(fit(label, label_px - 10))}</text>'
            f'<rect x="{label_px:.1f}" y="{middle - BAR_PX / 2:.1f}" width="{length:.1f}" height="{BAR_PX}" rx="2" fill="{color}"/>'
            f'<text x="{label_px + length + 6:.1f}" y="{middle:.1f}" dominant-baseline="central" font-size="{FONT_PX}" '
            f'class="value">{escape(value_text(value))}</text></g>'
        )
    if not bars:
        parts.append(f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" dominant-baseline="central" '
                     f'font-size="{FONT_PX}" class="empty">—</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
