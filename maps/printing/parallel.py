"""Pages of one document drawn in several processes, then put together in page order.

Drawing a page is pure CPU in one Python thread (matplotlib, its PDF backend, fontTools),
so a many-page document (the council pack, the atlas) is drawn by PRINT_PROCESSES forked
processes, each taking every n-th group of pages (a map and its numbered list are one
group: the list needs to know which numbers the map placed; the heavy overview lands in
one share and the villages spread evenly), each writing its own PDF; the parts are joined
with pypdf.
Each part embeds its own subset of the fonts, so the joined file is a little larger than
one drawn in one process; what is drawn is the same.

Forking is only done where it is safe and right:

* outside a transaction: the other processes read the database through their own
  connections and see only committed rows (inside one, as in the tests, the pages are
  drawn here, in this process);
* from a process that holds no database connection open across the fork (they are
  closed first: a socket shared by two processes corrupts both conversations).
"""

import ctypes
import io
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

# render(indices, progress) -> (pdf bytes, frames, note): draws the pages `indices` (0-based
# in the whole document, ascending) into one PDF; frames carry the whole document's
# indices; `note` is anything picklable the last pages need to know (see render_pages).
Render = Callable[[Sequence[int], Callable[[str], None]], tuple[bytes, list, object]]
# last(notes) -> (pdf bytes, frames): draws the document's last pages, after all others.
Last = Callable[[list], tuple[bytes, list]]
# PRINT_PROCESSES = 0: one process per core, at most this many (each holds ~250 MB).
MAX_AUTO_PROCESSES = 4
# A page process that has sent its part gets this long to exit before it is killed (s).
EXIT_GRACE_S = 5.0
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when its parent dies


def _cpus() -> int:
    """CPUs this process may use: its affinity, bounded by a cgroup v2 quota (a
    container limited to one CPU sees the host's cores in its affinity)."""
    count = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
    except (OSError, ValueError):
        return count
    if quota != "max":
        count = min(count, max(1, int(int(quota) / int(period))))
    return count


def processes_for(count: int) -> int:
    """Return how many processes draw a document of `count` pages here and now."""
    wanted = int(getattr(settings, "PRINT_PROCESSES", 1))
    if wanted <= 0:
        wanted = min(_cpus(), MAX_AUTO_PROCESSES)
    if connection.in_atomic_block or multiprocessing.current_process().daemon:
        return 1  # uncommitted rows are invisible to other processes; daemons cannot fork
    return max(1, min(wanted, count // 2))


def render_pages(
    groups: list[list[int]],
    render: Render,
    progress: Callable[[str], None],
    *,
    last: Last | None = None,
    last_count: int = 0,
) -> tuple[bytes, list]:
    """Draw a document's pages with `render` (see Render), in one process or several
    (processes_for); `groups`: its page indices (0-based, in order) in runs that one
    process draws. `last`, when given, draws the `last_count` pages after them here,
    once every other page is drawn, told the notes of every render (the numbers each map
    placed, for a list of them). Return the whole PDF and its frames, in page order.

    An error of any process (a PrintError, a database error) is raised here, after the
    other processes are stopped; nothing partial is returned.
    """
    count = sum(len(group) for group in groups)
    processes = min(processes_for(count + last_count), len(groups))
    if processes <= 1:
        shares = [list(range(count))]
        parts = [render(shares[0], progress)]
    else:
        shares = [
            [index for group in groups[start::processes] for index in group]
            for start in range(processes)
        ]
        parts = _forked(shares, render, progress)
    if last is not None and last_count:
        pdf, frames = last([note for _pdf, _frames, note in parts])
        parts.append((pdf, frames, None))
        shares.append(list(range(count, count + last_count)))
    elif len(parts) == 1:
        return parts[0][0], parts[0][1]
    return _join(parts, shares), [frame for _pdf, frames, _note in parts for frame in frames]


def _forked(shares: list[list[int]], render: Render, progress) -> list[tuple]:
    """Draw each share in a forked process; return their (pdf, frames, note) in order.

    Each process has a pipe of its own (its end of the others closed here), so a process
    that dies, even halfway through sending, is seen as the end of its pipe, never waited
    for; and one that outlives this process (killed) gets SIGKILL from the kernel."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers, pipes = [], []
    for part, share in enumerate(shares):
        reader, writer = context.Pipe(duplex=False)
        worker = context.Process(target=_draw_share, args=(render, share, part, writer),
                                 daemon=True)  # fmt: skip
        worker.start()
        writer.close()
        workers.append(worker)
        pipes.append(reader)
    try:
        return _collect(pipes, progress)
    finally:
        for worker in workers:
            worker.join(EXIT_GRACE_S if worker.exitcode is None else 0)
            if worker.is_alive():
                worker.kill()
                worker.join()
        for pipe in pipes:
            pipe.close()


def _draw_share(render: Render, share: Sequence[int], part: int, pipe) -> None:
    """A forked process: draw `share`, send each page's step, then the PDF and frames."""
    # Signals are the parent's to handle (the task worker finishes its pack gracefully on
    # Ctrl-C or SIGTERM, which may reach its whole process group); it stops these.
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
        signal.signal(number, signal.SIG_IGN)
    _die_with_parent()
    _forget_inherited_connections()
    try:
        result = render(share, lambda step: pipe.send(("page", step)))
        pipe.send(("done", result))
    except BaseException as exc:  # noqa: BLE001 — every failure goes back to the parent
        pipe.send(("error", _picklable(exc)))
    finally:
        pipe.close()
        connections.close_all()


def _forget_inherited_connections() -> None:
    """Drop, never close, any database connection this process inherited: the parent
    closes its own before forking, but one opened since (another alias, a callback) would
    share its socket, and closing it here would end the parent's session too. psycopg
    frees a connection made by another process without sending anything on it."""
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            wrapper.connection = None


def _die_with_parent() -> None:
    """Ask the kernel (Linux) for SIGKILL when the parent dies; elsewhere, no-op."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request
        os._exit(1)


def _picklable(exc: BaseException) -> BaseException:
    """Return `exc` with the child's traceback noted, or a RuntimeError saying what it
    was when it cannot travel; KeyboardInterrupt and SystemExit travel as RuntimeError."""
    import pickle

    if not isinstance(exc, Exception):
        return RuntimeError(f"a print process stopped: {type(exc).__name__}: {exc}")
    exc.add_note("in a print process:\n" + traceback.format_exc())
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 — our own object, just made
    except Exception:  # noqa: BLE001 — an exception that does not survive the trip
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _collect(pipes: list, progress) -> list[tuple]:
    """Relay the processes' page steps to `progress` until every part is in; raise the
    first error, or RuntimeError when a process ended without sending its part."""
    parts: dict[int, tuple] = {}
    open_pipes = dict(enumerate(pipes))
    while len(parts) < len(pipes):
        for pipe in wait(list(open_pipes.values())):
            part = next(n for n, p in open_pipes.items() if p is pipe)
            try:
                kind, value = pipe.recv()
            except (EOFError, OSError):
                del open_pipes[part]
                if part not in parts:
                    raise RuntimeError("a print process ended without its pages") from None
                continue
            if kind == "page":
                progress(value)
            elif kind == "done":
                parts[part] = value
                del open_pipes[part]
            else:
                raise value
    return [parts[n] for n in range(len(pipes))]


def _join(parts: list[tuple], shares: list[list[int]]) -> bytes:
    """Return one PDF of the parts' pages in document order (part n holds shares[n])."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(io.BytesIO(part[0])) for part in parts]
    for reader, share in zip(readers, shares, strict=True):
        if len(reader.pages) != len(share):
            message = f"a print process drew {len(reader.pages)} pages of {len(share)}"
            raise RuntimeError(message)
    where = {
        index: (part, position)
        for part, share in enumerate(shares)
        for position, index in enumerate(share)
    }
    writer = PdfWriter()
    for index in sorted(where):
        part, position = where[index]
        writer.add_page(readers[part].pages[position])
    if readers[0].metadata:
        writer.add_metadata(dict(readers[0].metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
