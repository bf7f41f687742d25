"""Pages of one document drawn in several processes, then put together in page order.

Drawing a page is pure CPU in one Python thread (matplotlib, its PDF backend, fontTools),
so a many-page document (the council pack, the atlas) is drawn by PRINT_PROCESSES forked
processes, each taking every n-th page (the heavy overview then lands in one share and
the villages spread evenly), each writing its own PDF; the parts are joined with pypdf.
Each part embeds its own subset of the fonts, so the joined file is a little larger than
one drawn in one process; what is drawn is the same.

Forking is only done where it is safe and right:

* outside a transaction: the other processes read the database through their own
  connections and see only committed rows (inside one, as in the tests, the pages are
  drawn here, in this process);
* from a process that holds no database connection open across the fork (they are
  closed first: a socket shared by two processes corrupts both conversations).
"""

import io
import logging
import multiprocessing
import os
import queue as queues
import signal
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import connection, connections

logger = logging.getLogger(__name__)

# render(indices, progress) -> (pdf bytes, frames): draws the pages `indices` (0-based in
# the whole document, ascending) into one PDF; frames carry the whole document's indices.
Render = Callable[[Sequence[int], Callable[[str], None]], tuple[bytes, list]]
# PRINT_PROCESSES = 0: one process per core, at most this many (each holds ~250 MB).
MAX_AUTO_PROCESSES = 4
# How often the parent looks whether a process died without a word (seconds).
POLL_S = 1.0


def processes_for(count: int) -> int:
    """Return how many processes draw a document of `count` pages here and now."""
    wanted = int(getattr(settings, "PRINT_PROCESSES", 1))
    if wanted <= 0:
        wanted = min(len(os.sched_getaffinity(0)), MAX_AUTO_PROCESSES)
    if connection.in_atomic_block or multiprocessing.current_process().daemon:
        return 1  # uncommitted rows are invisible to other processes; daemons cannot fork
    return max(1, min(wanted, count // 2))


def render_pages(count: int, render: Render, progress: Callable[[str], None]) -> tuple[bytes, list]:
    """Draw the `count` pages of a document with `render` (see Render), in one process or
    several (processes_for); return the whole PDF and its frames, in page order.

    An error of any process (a PrintError, a database error) is raised here, after the
    other processes are stopped; nothing partial is returned.
    """
    processes = processes_for(count)
    if processes == 1:
        return render(range(count), progress)
    shares = [range(start, count, processes) for start in range(processes)]
    connections.close_all()
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [
        context.Process(target=_draw_share, args=(render, share, part, messages), daemon=True)
        for part, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()
    try:
        parts = _collect(workers, messages, progress)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    return _join(parts, shares), [frame for _pdf, frames in parts for frame in frames]


def _draw_share(render: Render, share: Sequence[int], part: int, messages) -> None:
    """A forked process: draw `share`, send each page's step, then the PDF and frames."""
    # The parent's handlers (the task worker's graceful shutdown) are not ours to run.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        result = render(share, lambda step: messages.put(("page", part, step)))
        messages.put(("done", part, result))
    except BaseException as exc:  # noqa: BLE001 — every failure goes back to the parent
        messages.put(("error", part, _picklable(exc)))
    finally:
        connections.close_all()


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 — our own object, just made
    except Exception:  # noqa: BLE001 — an exception that does not survive the trip
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _collect(workers, messages, progress) -> list[tuple[bytes, list]]:
    """Relay the processes' page steps to `progress` until every part is in; raise the
    first error, or RuntimeError when a process ended without sending its part."""
    parts: dict[int, tuple[bytes, list]] = {}
    while len(parts) < len(workers):
        try:
            kind, part, value = messages.get(timeout=POLL_S)
        except queues.Empty:
            dead = [n for n, w in enumerate(workers) if not w.is_alive() and n not in parts]
            if dead:
                # A message may have arrived just before it ended: look once more.
                try:
                    kind, part, value = messages.get(timeout=POLL_S)
                except queues.Empty:
                    codes = [workers[n].exitcode for n in dead]
                    message = f"a print process ended without its pages (exit {codes})"
                    raise RuntimeError(message) from None
            else:
                continue
        if kind == "page":
            progress(value)
        elif kind == "done":
            parts[part] = value
        else:
            raise value
    return [parts[n] for n in range(len(workers))]


def _join(parts: list[tuple[bytes, list]], shares: list[range]) -> bytes:
    """Return one PDF of the parts' pages in document order (page i is in part i % n)."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(pdf)) for pdf, _frames in parts]
    writer = PdfWriter()
    count = sum(len(share) for share in shares)
    for index in range(count):
        part = index % len(parts)
        writer.add_page(readers[part].pages[index // len(parts)])
    if readers[0].metadata:
        writer.add_metadata(dict(readers[0].metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
