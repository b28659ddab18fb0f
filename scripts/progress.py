"""Progress of long work on stderr: a live status line on a terminal, plain lines in CI or when piped.

`hybrid diff` and a plan of several environments run for many seconds; without this they would run in
silence. Only diagnostics go here (stderr), so stdout keeps the answer alone. The live line is redrawn by
the caller (`tick`), never by a background thread, so forking a plan child while it shows is safe.
"""

from __future__ import annotations

import time
from typing import Optional

from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner

from .console import err

_shown: list["Progress"] = []  # the live status on screen, if any (at most one)


class Progress:
    """What a long command is doing now (`step`) and what it has finished (`done`), with elapsed seconds."""

    def __init__(self, title: str, live: Optional[bool] = None):
        self.title = title
        self.live = err.is_terminal if live is None else live
        self.started = time.perf_counter()
        self._live: Optional[Live] = None
        self._spinner = Spinner("dots", text=escape(title))
        self._message = ""

    def _elapsed(self) -> float:
        return time.perf_counter() - self.started

    def step(self, message: str) -> None:
        """The work starting now: the live line on a terminal, a plain line otherwise."""
        self._message = message
        if self._live is None:
            err.print(f"{self.title}: {message} [{self._elapsed():.1f}s]", markup=False, highlight=False)
        self.tick()

    def done(self, message: str) -> None:
        """A finished piece of work, kept in the scrollback on a terminal too."""
        if self._live is None:
            err.print(f"{self.title}: {message} [{self._elapsed():.1f}s]", markup=False, highlight=False)
        else:
            err.print(f"[dim]{escape(self.title)}:[/] {escape(message)} [dim]({self._elapsed():.1f}s)[/]")
        self.tick()

    def tick(self) -> None:
        """Redraw the live line (spinner, current step, elapsed time); nothing when not on a terminal."""
        if self._live is not None:
            self._spinner.update(text=f"{escape(self.title)}: {escape(self._message)} "
                                      f"[dim]({self._elapsed():.0f}s)[/]")
            self._live.refresh()

    def __enter__(self) -> "Progress":
        if self.live:
            self._live = Live(self._spinner, console=err, auto_refresh=False, transient=True,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start()
            _shown.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
            _shown.remove(self)


def detach() -> None:
    """In a forked child: forget the parent's live status without drawing (the terminal is the parent's)."""
    for shown in _shown:
        if shown._live is not None:
            err.clear_live()
            err.pop_render_hook()
            shown._live = None
    _shown.clear()
