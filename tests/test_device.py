"""--device and --dtype: where a model runs. The CPU stays the default and the tested path; on a
machine without a GPU, `auto` is the CPU (same scores), and an explicit GPU is a clear error."""
import json

import numpy as np
import pandas as pd
import pytest
import torch

from voebench.cli import main as cli
from voebench.models.device import DeviceError, placement, resolve_device, resolve_dtype
from voebench.models.registry import find

no_gpu = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the behaviour without a GPU")


@no_gpu
def test_devices_without_a_gpu():
    assert resolve_device("auto") == torch.device("cpu") and resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(DeviceError, match="sees no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(DeviceError, match="sees no CUDA GPU"):
        resolve_device("cuda:1")


def test_bad_devices_and_precisions_are_named():
    for name in ("tpu", "gpu", "mps"):
        with pytest.raises(DeviceError, match="device must be cpu, cuda, cuda:N or auto"):
            resolve_device(name)
    cpu = torch.device("cpu")
    assert resolve_dtype("auto", cpu) == torch.float64 and resolve_dtype("float32", cpu) == torch.float32
    assert resolve_dtype("auto", torch.device("cuda")) == torch.float32
    with pytest.raises(DeviceError, match="for GPUs"):
        resolve_dtype("bfloat16", cpu)
    with pytest.raises(DeviceError, match="dtype must be auto or one of"):
        resolve_dtype("float8", cpu)


def test_placement_goes_only_to_models_that_take_it():
    assert placement(find("jepa-frame"), "jepa-frame", "auto") == {"device": "auto"}
    assert placement(find("vjepa2-hf"), "vjepa2-hf", "cuda", "bfloat16") == {"device": "cuda", "dtype": "bfloat16"}
    assert placement(find("frame-diff"), "frame-diff", "auto") == {}  # a probe stays on the CPU
    assert placement(find("frame-diff"), "frame-diff", "cpu") == {}
    with pytest.raises(DeviceError, match="runs on the CPU only"):
        placement(find("physics-tracker"), "physics-tracker", "cuda")
    with pytest.raises(DeviceError, match="fixed precision"):
        placement(find("frame-diff"), "frame-diff", "cpu", "float32")


@pytest.mark.slow
@no_gpu
def test_evaluate_on_auto_is_the_cpu_and_reports_its_speed(suite, tmp_path, capsys):
    out, info = suite
    runs = {}
    for device in ("cpu", "auto"):
        results = tmp_path / device
        assert cli(["evaluate", "--model", "jepa-frame", "--device", device, "--data", str(out), "--out", str(results),
                    "--cache", str(tmp_path / f"cache-{device}"), "--null-seeds", "0", "--quiet"]) == 0
        printed = capsys.readouterr().out
        assert f"scored {info['counts']['clips']} clips in" in printed and "on cpu:" in printed
        runs[device] = json.loads((results / "results.json").read_text())
        speed = runs[device]["throughput"]
        assert speed["device"] == "cpu" and speed["clips"] == info["counts"]["clips"] and speed["clips_per_s"] > 0
        runs[device]["scores"] = pd.read_parquet(results / "scores.parquet")
    assert runs["cpu"]["model"]["id"] == runs["auto"]["model"]["id"] == "jepa-frame@1"
    for a, b in zip(runs["cpu"]["scores"]["surprise"], runs["auto"]["scores"]["surprise"]):
        np.testing.assert_array_equal(a, b)
    assert runs["auto"]["run"]["model_args"] == {"device": "auto"}
    # float32 is another version of the scores, cached apart from float64's
    assert cli(["evaluate", "--model", "jepa-frame", "--dtype", "float32", "--data", str(out), "--out",
                str(tmp_path / "f32"), "--cache", str(tmp_path / "cache-cpu"), "--null-seeds", "0", "--quiet"]) == 0
    assert json.loads((tmp_path / "f32" / "results.json").read_text())["model"]["id"] == "jepa-frame@1-float32"
    assert "from the cache" not in capsys.readouterr().out


@no_gpu
def test_a_gpu_that_is_not_there_is_a_clear_error(suite, tmp_path, capsys):
    out, _ = suite
    for model in ("jepa-frame", "frame-diff"):
        code = cli(["evaluate", "--model", model, "--device", "cuda", "--data", str(out), "--out", str(tmp_path / model),
                    "--quiet"])
        assert code == 2 and not (tmp_path / model).exists()
    err = capsys.readouterr().err
    assert "sees no CUDA GPU" in err and "frame-diff' runs on the CPU only" in err
    assert cli(["train", "--model", "jepa-frame", "--device", "cuda", "--data", str(out), "--out", str(tmp_path / "t"),
                "--steps", "1"]) == 2
    assert "sees no CUDA GPU" in capsys.readouterr().err
