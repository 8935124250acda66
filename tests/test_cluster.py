"""Scale-out on a real Dask LocalCluster (loopback): same bytes as the serial run, even when a
worker is killed mid-run."""
import os
import signal
import threading
import time

import pytest

from voebench.scenes.generate import ConfigError, GenerateConfig, generate

from .renders import dataset_files

pytest.importorskip("distributed")
pytestmark = [pytest.mark.dask, pytest.mark.slow]
SMALL = dict(principles=["permanence", "inertia"], per_condition=3, seed=21)


def test_local_cluster_output_is_byte_identical_to_serial(tmp_path):
    serial = generate(GenerateConfig(out=str(tmp_path / "serial"), **SMALL), progress=False, previews=False)
    dask = generate(GenerateConfig(out=str(tmp_path / "dask"), scheduler="local:2", **SMALL), progress=False,
                    previews=False)
    assert dask["content_hash"] == serial["content_hash"]
    assert dataset_files(tmp_path / "dask") == dataset_files(tmp_path / "serial")


def test_killed_worker_loses_nothing(tmp_path):
    """A worker process is SIGKILLed while items are in flight; Dask reruns its items elsewhere."""
    from distributed import Client, LocalCluster

    serial = generate(GenerateConfig(out=str(tmp_path / "serial"), **dict(SMALL, per_condition=5)), progress=False,
                      previews=False)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    killed = []

    def kill_one():
        deadline = time.time() + 60
        while time.time() < deadline and not killed:
            busy = [w for w, tasks in client.processing().items() if tasks]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one)
    try:
        killer.start()  # generate connects to the cluster over TCP, as to a remote scheduler
        out = generate(GenerateConfig(out=str(tmp_path / "dask"), scheduler=cluster.scheduler_address,
                                      **dict(SMALL, per_condition=5)), progress=False, previews=False)
    finally:
        killer.join()
        client.close()
        cluster.close()
    assert killed, "no worker was killed"
    assert out["content_hash"] == serial["content_hash"]
    assert dataset_files(tmp_path / "dask") == dataset_files(tmp_path / "serial")


def test_bad_scheduler_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="local:N"):
        generate(GenerateConfig(out=str(tmp_path / "x"), scheduler="local:zero"), progress=False)
