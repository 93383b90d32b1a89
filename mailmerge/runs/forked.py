"""Work shared out to processes forked from this one, the results coming back in order.

In: a task, the items to do it on (each made here just before its process is forked, so the
process sees it and everything this one has loaded, never pickled), how many processes run
at once, and how to name a process that died. Out: task(item) for each item, in order; no
more results wait here than there are processes. A task's exception is raised here again.

Each process ignores Ctrl-C (the caller stops it) and dies with this one (Linux), so a killed
run leaves no worker holding the send log's lock; closing the results kills the workers still
running. `can_fork()` says whether the platform can do this at all.
"""

from __future__ import annotations

import collections
import functools
import gc
import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from mailmerge.errors import HagakiError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

Item = TypeVar("Item")
Result = TypeVar("Result")
PR_SET_PDEATHSIG = 1  # Linux prctl: the signal a process gets when its parent dies


def can_fork() -> bool:
    return hasattr(os, "fork")


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def _pickled_send(sender: Connection, result: Any) -> None:
    sender.send(result)


def _pickled_receive(receiver: Connection) -> Any:
    return receiver.recv()


def forked_map(task: Callable[[Item], Result], items: Iterable[Item], workers: int,
               died: Callable[[int, int | None], Exception],
               send: Callable[[Connection, Any], None] = _pickled_send,
               receive: Callable[[Connection], Any] = _pickled_receive) -> Iterator[Result]:
    """task(item) for each item, each in a process of its own, at most `workers` at a time
    (the first ones start at once, so the caller may do work of its own meanwhile).
    `died(position from 1, exit code)` is the error raised for a process that stopped
    without its result; `send` and `receive` carry a result through the pipe (pickled
    unless they say otherwise). Close the results to kill the processes still running."""
    results = _forked_results(task, items, workers, died, send, receive)
    next(results)  # (the first processes are started)
    return results


def _forked_results(task: Callable[[Item], Result], items: Iterable[Item], workers: int,
                    died: Callable[[int, int | None], Exception],
                    send: Callable[[Connection, Any], None],
                    receive: Callable[[Connection], Any]) -> Iterator[Any]:
    """None once the first processes are started, then each result in order."""
    running: collections.deque[tuple[int, BaseProcess, Connection]] = collections.deque()
    ended: list[BaseProcess] = []  # sent their results; joined at the end (exiting takes time)
    positions = enumerate(items, start=1)

    def start(position: int, item: Item) -> None:
        gc.freeze()  # the worker's collections skip our objects: their pages stay shared
        context = _fork_context()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_worker, daemon=True,
                                  args=(task, item, sender, send, os.getpid()))
        process.start()
        sender.close()
        running.append((position, process, receiver))

    try:
        for position, item in itertools.islice(positions, workers):
            start(position, item)
        yield None
        while running:
            position, process, receiver = running[0]
            result = _result(position, process, receiver, receive, died)
            running.popleft()
            ended.append(process)
            for following in itertools.islice(positions, 1):
                start(*following)
            yield result
    finally:
        gc.unfreeze()
        for _position, process, receiver in running:
            process.kill()
            process.join()
            receiver.close()
        for process in ended:
            process.join()


@functools.cache
def _fork_context():
    """multiprocessing's fork context (loaded only by a run that forks)."""
    import multiprocessing

    return multiprocessing.get_context("fork")


def _result(position: int, process: BaseProcess, receiver: Connection,
            receive: Callable[[Connection], Any], died: Callable[[int, int | None], Exception]):
    """What a worker sends, or the error it raised, or died(…) if it stopped without it."""
    try:
        failure = receiver.recv()
        if failure is None:
            found = receive(receiver)
    except (EOFError, OSError):  # (OSError: the pipe closed in the middle of a message)
        process.join()
        raise died(position, process.exitcode) from None
    finally:
        receiver.close()
    if failure is not None:
        process.join()
        raise failure
    return found


def _worker(task: Callable[[Item], Result], item: Item, sender: Connection,
            send: Callable[[Connection, Any], None], parent: int) -> None:
    """Do the task and send None and its result, or the error that stopped it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the caller stops its workers
    if sys.platform.startswith("linux"):  # die with the caller: none keeps the log's lock
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the caller died before the line above
        os._exit(1)
    try:
        result = task(item)
    except Exception as error:  # raised again by the caller
        sender.send(_sendable(error))
    else:
        sender.send(None)
        send(sender, result)
    sender.close()


def _sendable(error: Exception) -> Exception:
    """The error as the caller can receive it: itself, or (an error class whose arguments do
    not make it again) its message in a HagakiError, or a RuntimeError naming it."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any failure to make it again
        if isinstance(error, HagakiError):
            return HagakiError(str(error))
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
