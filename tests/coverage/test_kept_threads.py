"""The coverage computation's kept threads (coverage/snapshot/run.py) in a forked child."""

import os
import signal

from coverage.snapshot import run


def test_the_kept_threads_run_tasks_in_a_forked_child():
    """A child forked after the parent used the pool gets threads of its own: the copied
    pool counted the parent's threads, which a child does not have, and waited forever."""
    with run._KeptThreads() as pool:
        assert pool.submit(pow, 2, 3).result(timeout=10) == 8
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if its pool runs a task
        signal.alarm(10)  # a pool that never runs the task would wait forever: end it
        try:
            with run._KeptThreads() as pool:
                ran = pool.submit(pow, 2, 3).result(timeout=10) == 8
        except BaseException:  # noqa: BLE001 — any failure is the child's exit status
            ran = False
        os._exit(0 if ran else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
