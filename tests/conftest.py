"""Shared fixtures: where ../shared is, and one Apertium engine per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarjama.engines.apertium import ApertiumEngine, discover_modes

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "src" / "tarjama" / "samples"

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium-wblank-mode") is None or not discover_modes(),
    reason="Apertium and its language pairs are not installed (scripts/setup installs them)",
)


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder is not beside the repository")
    return path


@pytest.fixture(scope="session")
def apertium() -> Iterator[ApertiumEngine]:
    if shutil.which("apertium-wblank-mode") is None or not discover_modes():
        pytest.skip("Apertium is not installed (scripts/setup installs it)")
    engine = ApertiumEngine()
    yield engine
    engine.close()


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commands run by the tests keep their store in a temporary folder, never in $HOME."""
    monkeypatch.setenv("TARJAMA_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("TARJAMA_CONFIG", raising=False)
