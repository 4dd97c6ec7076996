"""Every generated contract file is up to date, and `--check` catches one that is not."""

from pathlib import Path

import pytest

from paramlens.contracts import generated_files, main, repository_root, stale_files


def test_every_generated_contract_file_is_up_to_date() -> None:
    stale = stale_files(repository_root())
    assert not stale, f"stale: {stale}; run: npm run gen:contracts"


@pytest.mark.parametrize("relative", sorted(generated_files(), key=str), ids=str)
def test_check_fails_when_one_file_drifts(tmp_path: Path, relative: Path) -> None:
    assert main(["--write", "--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / relative).write_text("{}\n", encoding="utf-8")
    assert main(["--check", "--root", str(tmp_path)]) == 1
