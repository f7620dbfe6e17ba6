"""What the ledger's command modules share: output consoles, the error guard (one
line on stderr, an exit code), opening the ledger, and option parsers."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from redline.ledger.store import Ledger

P = ParamSpec("P")
R = TypeVar("R")

_WIDTH = None if sys.stdout.isatty() else 140
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def _guard(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a LedgerError into one message on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from redline.ledger.errors import LedgerError
        from redline.ledger.transparency import Inconsistent

        try:
            return fn(*args, **kwargs)
        except Inconsistent as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(5) from None
        except LedgerError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
        except OSError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
        except Exception as exc:
            from sqlalchemy.exc import DBAPIError, SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError):
                raise
            detail = exc.orig if isinstance(exc, DBAPIError) else exc
            err.print(f"error: database: {detail}".splitlines()[0], markup=False)
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def _ledger(create: bool = False) -> Iterator[Ledger]:
    from redline.ledger.store import open_ledger

    ledger = open_ledger(create=create)
    try:
        yield ledger
    finally:
        ledger.close()


def _parse_witness(value: str) -> tuple[str, Any]:
    from redline.ledger.errors import LedgerError
    from redline.ledger.keys import read_public_pem

    name, sep, path = value.partition("=")
    if not sep or not name or not path:
        raise LedgerError(f"--witness expects NAME=PUBLIC_KEY.pem, got {value!r}")
    return name, read_public_pem(Path(path))


