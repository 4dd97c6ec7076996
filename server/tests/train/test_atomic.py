"""Files in a run directory are replaced whole or not at all."""

from pathlib import Path

import pytest
import torch

from paramlens.runs import RunPaths, atomic_write, atomic_write_json, tensor_files
from paramlens.runs.tensor_files import load_tensors, save_tensors


def test_readers_see_the_old_file_until_the_new_one_is_complete(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("old")

    def write(tmp: Path) -> None:
        tmp.write_text("half")
        assert path.read_text() == "old"  # what a reader sees meanwhile
        with tmp.open("a") as f:
            f.write(" and the rest")

    atomic_write(path, write)

    assert path.read_text() == "half and the rest"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text("old")

    def write(tmp: Path) -> None:
        tmp.write_text("partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, write)

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_a_checkpoint_that_fails_midway_never_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = RunPaths(tmp_path)

    def torn_save(tensors: object, filename: str, metadata: object = None) -> None:
        Path(filename).write_bytes(b"\x00" * 10)
        raise KeyboardInterrupt

    monkeypatch.setattr(tensor_files, "save_file", torn_save)
    with pytest.raises(KeyboardInterrupt):
        save_tensors(paths.checkpoint(10), {"x": torch.ones(3)}, {"step": "10"})

    assert paths.checkpoint_steps() == []
    assert list(paths.checkpoints.iterdir()) == []


def test_tensors_and_metadata_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "t.safetensors"
    tensors = {"a.b": torch.arange(6.0).view(2, 3), "rng": torch.zeros(4, dtype=torch.uint8)}

    save_tensors(path, tensors, {"step": "3"})
    loaded, metadata = load_tensors(path)

    assert metadata == {"step": "3"}
    assert all(torch.equal(loaded[name], tensors[name]) for name in tensors)


def test_json_never_holds_nan(tmp_path: Path) -> None:
    atomic_write_json(tmp_path / "x.json", {"a": float("nan"), "b": [float("inf"), 1.5]})

    assert (
        tmp_path / "x.json"
    ).read_text() == '{\n  "a": null,\n  "b": [\n    null,\n    1.5\n  ]\n}\n'
