"""The `paramlens` command line, run in-process."""

import pytest

import paramlens
from paramlens.cli import main


def test_version_prints_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])

    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"paramlens {paramlens.__version__}\n"


def test_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])

    assert exit_info.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "70000"], "port must be between 0 and 65535, got 70000"),
        (["--token", " "], "token must not be empty"),
    ],
)
def test_serve_rejects_bad_arguments(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *arguments])

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
