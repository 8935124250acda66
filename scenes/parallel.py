"""Run independent work units in this process, on local processes (joblib/loky), or on a Dask
cluster — same results either way. Results come back to the caller (the client), which does
all the writing, so a lost worker only repeats its own units and never leaves a file behind.

scheduler: None (joblib with `workers` processes, or serial), "local:N" (a Dask LocalCluster
of N single-threaded worker processes on 127.0.0.1), or "tcp://HOST:PORT" (an existing Dask
scheduler; its workers need voebench installed).
"""
from __future__ import annotations

import contextlib
import re
from typing import Callable, Iterable, Iterator


class SchedulerError(ValueError):
    pass


def check_scheduler(scheduler: str | None) -> None:
    if scheduler is None:
        return
    if not re.fullmatch(r"local:[1-9]\d*|tcp://[^\s:/]+:\d+", scheduler):
        raise SchedulerError(f"scheduler must be 'local:N' or 'tcp://HOST:PORT', got {scheduler!r}")
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SchedulerError("Dask is not installed: pip install 'voebench[dask]'") from None


@contextlib.contextmanager
def dask_client(scheduler: str):
    from distributed import Client, LocalCluster

    if scheduler.startswith("local:"):
        cluster = LocalCluster(n_workers=int(scheduler[6:]), threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
    else:
        client = Client(scheduler, timeout="30s")
        try:
            yield client
        finally:
            client.close()


def run_unordered(fn: Callable, units: Iterable[tuple], workers: int = 1, scheduler: str | None = None,
                  name: str = "unit") -> Iterator:
    """fn(*unit) for every unit, results yielded as they finish (in any order)."""
    units = list(units)
    if not units:
        return
    if scheduler:
        check_scheduler(scheduler)
        from distributed import as_completed

        with dask_client(scheduler) as client:
            futures = [client.submit(fn, *unit, key=f"{name}-{i}", pure=False, retries=2) for i, unit in enumerate(units)]
            for future in as_completed(futures):
                yield future.result()
                future.release()
    elif workers > 1:
        from joblib import Parallel, delayed

        jobs = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered", batch_size=1)
        yield from jobs(delayed(fn)(*unit) for unit in units)
    else:
        for unit in units:
            yield fn(*unit)
