"""Jinja environments for HTML and Markdown, with the filters templates share.

HTML templates autoescape everything; Markdown templates escape every expression
through :func:`md_escape` (a ``finalize`` hook), so a template cannot forget to.
Either way, text that arrives as a :class:`markupsafe.Markup` (the SVG charts,
built by :mod:`.charts` from escaped parts) is printed as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as pkg_version
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from redline.publish import charts
from redline.publish.views import Withheld, exact, fmt, pct


def redline_version() -> str:
    try:
        return pkg_version("redline")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return str(value.strftime("%Y-%m-%d %H:%M UTC"))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def seconds(value: float) -> str:
    if value < 90:
        return f"{value:.0f} s"
    if value < 5400:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def is_withheld(value: Any) -> bool:
    return isinstance(value, Withheld)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~]|&(?=#?[A-Za-z0-9]+;))")
_MD_BULLET = re.compile(r"^([-+#])(?=\s|$|#)")
_MD_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")


def md_escape(value: Any) -> str:
    """Text safe to place inline in Markdown: no HTML, no links, no emphasis, one line."""
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return ""
    s = str(value)
    s = " ".join(s.split())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # A value that opens a line must not open a list item.
    s = _MD_BULLET.sub(r"\\\1", s)
    s = _MD_ORDERED.sub(r"\1\\\2", s)
    return s


def _common(env: Environment) -> Environment:
    env.filters["fmt"] = fmt
    env.filters["exact"] = exact
    env.filters["pct"] = pct
    env.filters["when"] = when
    env.filters["seconds"] = seconds
    env.tests["withheld"] = is_withheld
    env.globals["redline_version"] = redline_version()
    env.globals["ladder"] = charts.ladder_chart
    env.globals["trend"] = charts.trend_chart
    return env


@cache
def html_env() -> Environment:
    env = Environment(
        loader=PackageLoader("redline.publish", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return _common(env)


def _md_finalize(value: Any) -> Any:
    return Markup(md_escape(value))


@cache
def md_env() -> Environment:
    env = Environment(
        loader=PackageLoader("redline.publish", "templates"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_md_finalize,
        keep_trailing_newline=True,
    )
    return _common(env)
