"""The `onrecord` command line: thin commands over library calls (contract in ARCHITECTURE.md).

The commands live in modules by what they do (`record`: media on record and its proof; `query`:
what was said; `chat`: the live chat; `ops`: running a deployment, keys included); each registers on the one Typer app in
`common`. `main` turns an OnRecordError into one `error:` line and exit status 2.
"""

from __future__ import annotations

import sys

import typer

from models import OnRecordError

# isort: off
# each registers its commands on the app, in the order `onrecord --help` lists them
from pipeline.cli import record, query, chat, ops  # noqa: F401
# isort: on
from pipeline.cli.common import app, err


def main() -> None:
    """Entry point: OnRecord errors become one line on stderr and exit status 2."""
    try:
        rc = app(standalone_mode=False)  # non-standalone click returns typer.Exit's code instead of raising
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except OnRecordError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


__all__ = ["app", "main"]
