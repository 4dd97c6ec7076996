"""`POST /validate` and `POST /modules` on a real server, and `paramlens modules`."""

import json
import re
from pathlib import Path

import httpx
import pytest

from paramlens.cli import main
from server_process import ServerProcess

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
REFERENCE_CONFIGS = Path("/work/shared/fixtures/reference-configs")
LLAMA_SOURCE = REPO / "server" / "src" / "paramlens" / "targets" / "llama.py"
TMS_SOURCE = LLAMA_SOURCE.with_name("tms.py")


def post(server: ServerProcess, route: str, body: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.token}"}
    return httpx.post(server.url + route, json=body, headers=headers, timeout=120)


def line_of(path: Path, pattern: str) -> int:
    """1-based number of the first line of `path` matching `pattern`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if re.search(pattern, line))


def test_valid_native_config(server: ServerProcess) -> None:
    config = EXAMPLES / "tms_5-2.decomp.yaml"
    response = post(server, "/validate", {"text": config.read_text(), "path": str(config)})

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "format": "native",
        "errors": [],
        "warnings": [],
        "notes": [],
    }


def test_native_errors_carry_key_path_line_and_column(server: ServerProcess) -> None:
    text = (EXAMPLES / "tms_5-2.decomp.yaml").read_text()
    bad = text.replace("stochastic_recon:\n    coeff: 1.0", "stochastic_recon:\n    coeff: lots")

    body = post(server, "/validate", {"text": bad, "path": None}).json()

    assert body["ok"] is False and body["format"] is None
    [error] = body["errors"]
    assert error["path"] == ["losses", "stochastic_recon", "coeff"]
    assert error["line"] == bad.splitlines().index("    coeff: lots") + 1
    assert error["column"] == len("    coeff: ") + 1  # at the value
    assert "number" in error["message"]


def test_list_indices_in_paths_are_integers(server: ServerProcess) -> None:
    text = (EXAMPLES / "tms_5-2.decomp.yaml").read_text().replace("C: 20", "C: 0", 1)

    [error] = post(server, "/validate", {"text": text, "path": None}).json()["errors"]

    assert error["path"] == ["modules", 0, "C"]
    assert error["line"] == 12


def test_invalid_yaml_is_reported_at_its_line(server: ServerProcess) -> None:
    body = post(server, "/validate", {"text": "method: spd\ntarget: [unclosed\n", "path": None})

    assert body.status_code == 200
    [error] = body.json()["errors"]
    assert error["line"] is not None and error["line"] >= 2
    assert error["message"]


def test_a_character_yaml_forbids_is_reported_at_its_place(server: ServerProcess) -> None:
    body = post(server, "/validate", {"text": "method: spd\nseed: 1\x1f\n", "path": None})

    assert body.json()["errors"] == [
        {
            "path": [],
            "line": 2,
            "column": 8,
            "message": "YAML syntax error: character U+001F is not allowed",
        }
    ]


@pytest.mark.parametrize("name", ["tms_5-2_config.yaml", "resid_mlp1_config.legacy.yaml"])
def test_reference_configs_are_valid(server: ServerProcess, name: str) -> None:
    config = REFERENCE_CONFIGS / name
    body = post(server, "/validate", {"text": config.read_text(), "path": str(config)}).json()

    assert (body["ok"], body["format"], body["errors"], body["warnings"]) == (
        True,
        "reference",
        [],
        [],
    )
    assert body["notes"]  # e.g. the W&B keys it ignores


def test_reference_config_warnings_point_at_reference_keys(server: ServerProcess) -> None:
    config = REFERENCE_CONFIGS / "pile_llama_simple_mlp-4L.yaml"
    text = config.read_text()
    body = post(server, "/validate", {"text": text, "path": str(config)}).json()

    assert body["ok"] is True and body["errors"] == []
    warned = {tuple(w["path"]): w for w in body["warnings"]}
    model = warned[("pretrained_model_name",)]
    assert text.splitlines()[model["line"] - 1].startswith("pretrained_model_name:")
    assert "W&B run" in model["message"]


def test_reference_config_errors_point_at_reference_keys(server: ServerProcess) -> None:
    config = REFERENCE_CONFIGS / "tms_5-2_config.yaml"
    text = config.read_text().replace("    C: 20\n", "    C: -4\n", 1)

    body = post(server, "/validate", {"text": text, "path": str(config)}).json()

    assert body["ok"] is False
    [error] = body["errors"]
    assert error["path"] == ["module_info", 0, "C"]
    assert text.splitlines()[error["line"] - 1].strip() == "C: -4"


def test_modules_of_the_builtin_llama_point_at_their_source_lines(server: ServerProcess) -> None:
    config = EXAMPLES / "tiny_llama.decomp.yaml"
    response = post(server, "/modules", {"text": config.read_text(), "path": str(config)})

    assert response.status_code == 200
    listing = response.json()
    assert listing["format_version"] == 1
    assert listing["target"] == {"source": "builtin", "name": "tiny_llama", "seed": 0}
    modules = {module["path"]: module for module in listing["modules"]}
    q_proj = modules["h.1.attn.q_proj"]
    assert q_proj["type"] == "Linear" and q_proj["kind"] == "linear"
    assert q_proj["weight_shape"] == [128, 128]
    assert (q_proj["d_in"], q_proj["d_out"]) == (128, 128)
    assert q_proj["source"] == {
        "file": str(LLAMA_SOURCE),
        "line": line_of(LLAMA_SOURCE, r"self\.q_proj = nn\.Linear"),
    }
    assert q_proj["matched_by"] is not None and q_proj["C"] is not None
    # Containers are listed for go-to-definition: a block points at its class.
    assert modules["h.0"]["source"]["line"] == line_of(LLAMA_SOURCE, r"^class Block\b")
    assert modules["h.0"]["kind"] is None and modules["h.0"]["weight_shape"] is None
    assert modules["wte"]["kind"] == "embedding"
    assert (modules["wte"]["d_in"], modules["wte"]["d_out"]) == (4096, 128)
    assert modules["h.0.rms_1"]["weight_shape"] == [128] and modules["h.0.rms_1"]["C"] is None


def test_modules_of_a_toy(server: ServerProcess) -> None:
    config = EXAMPLES / "tms_5-2.decomp.yaml"

    listing = post(server, "/modules", {"text": config.read_text(), "path": str(config)}).json()

    assert [
        (m["path"], m["weight_shape"], m["matched_by"], m["C"], m["source"]["line"])
        for m in listing["modules"]
    ] == [
        ("linear1", [2, 5], "linear1", 20, line_of(TMS_SOURCE, r"self\.linear1 = ")),
        ("linear2", [5, 2], "linear2", 20, line_of(TMS_SOURCE, r"self\.linear2 = ")),
    ]


def test_modules_of_an_invalid_config_is_422_with_the_problems(server: ServerProcess) -> None:
    response = post(server, "/modules", {"text": "method: spd\n", "path": None})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_config"
    assert {tuple(p["path"]) for p in body["problems"]} >= {("target",), ("modules",)}


def test_modules_of_a_target_that_cannot_load_is_422(server: ServerProcess, tmp_path: Path) -> None:
    text = (
        "method: spd\noutput_loss: mse\n"
        "target:\n  custom:\n    class: 'nowhere_to_be_found:Model'\n"
        "    weights: model.safetensors\n"
        "data:\n  synthetic:\n    feature_probability: 0.05\n"
        "modules:\n  - pattern: fc\n    C: 4\n"
    )
    response = post(server, "/modules", {"text": text, "path": str(tmp_path / "x.decomp.yaml")})

    assert response.status_code == 422
    assert response.json()["message"] == (
        "cannot load the target: No module named 'nowhere_to_be_found'"
    )


def test_modules_command_prints_the_listing(capsys: pytest.CaptureFixture[str]) -> None:
    config = EXAMPLES / "tms_5-2.decomp.yaml"

    assert main(["modules", str(config), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [m["path"] for m in listing["modules"]] == ["linear1", "linear2"]

    assert main(["modules", str(config)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("linear1  Linear 2×5  C=20 (linear1)  ")
    assert first.endswith(f"tms.py:{line_of(TMS_SOURCE, r'self.linear1 = ')}")


def test_modules_command_reports_config_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.decomp.yaml"
    config.write_text("method: nope\n")

    assert main(["modules", str(config)]) == 1
    assert f"{config}:1:9: method: " in capsys.readouterr().err


def test_a_run_directory_gets_modules_json(short_llama_run: Path) -> None:
    listing = json.loads((short_llama_run / "modules.json").read_text())

    assert listing["format_version"] == 1
    assert listing["target"]["name"] == "tiny_llama"
    decomposed = [m["path"] for m in listing["modules"] if m["C"] is not None]
    run = json.loads((short_llama_run / "run.json").read_text())
    assert sorted(decomposed) == [module["path"] for module in run["modules"]]
