"""Progress bars of long management commands on stderr (DESIGN.md §4: imports and exports
show one on long work), drawn by tqdm.

A bar is drawn when the stream is a terminal or the command is asked to (`--progress`);
in tests, pipes and cron logs it stays silent. `PassesBar` is the `progress(done,
total)` callable the import engine (core.imports) and the exports call.
"""

from tqdm import tqdm

MIN_ROWS = 200


def wants_progress(stream, *, force: bool = False) -> bool:
    """Tell whether to draw a bar on `stream`: asked for, or a terminal."""
    isatty = getattr(stream, "isatty", None)
    return force or bool(isatty and isatty())


class PassesBar:
    """progress(done, total) as one tqdm bar per pass ("checking", then "writing": a pass
    starts again at a lower `done`), for work over `min_rows` rows; call close() at the end.

    `stream` is the raw stream (a command's `self.stderr._out`): tqdm redraws with "\\r",
    and Django's OutputWrapper would append a newline to each write.
    """

    def __init__(self, stream, *, passes=("checking", "writing"), min_rows=MIN_ROWS):
        self.stream, self.passes, self.min_rows = stream, passes, min_rows
        self.bar = None
        self.started = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= self.min_rows:
            return
        if self.bar is None or done < self.bar.n:
            self.close()
            desc = self.passes[min(self.started, len(self.passes) - 1)]
            self.bar = tqdm(total=total, file=self.stream, unit="row", desc=desc)
            self.started += 1
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def command_progress(command, *, force: bool = False, passes=("checking", "writing")):
    """Return a PassesBar on the command's stderr when wanted (see wants_progress), else
    None (the services then skip their progress calls)."""
    stream = command.stderr._out
    return PassesBar(stream, passes=passes) if wants_progress(stream, force=force) else None
