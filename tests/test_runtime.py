"""The composition root: one runtime builds the store, the engine and the translator from the
settings for every process, closes what it built and leaves what it was given."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama.config import Settings
from tarjama.engines.pseudo import PseudoEngine
from tarjama.errors import ConfigError
from tarjama.model import Article, Block, BlockKind
from tarjama.runtime import Runtime, open_store
from tarjama.store import Store

ARTICLE = Article("Council meets", (Block(BlockKind.PARAGRAPH, "The council met on Monday."),))


def settings_for(tmp_path: Path, **fields: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", engine="pseudo", **fields)


def test_a_runtime_builds_everything_from_the_settings(tmp_path: Path) -> None:
    with Runtime.open(settings_for(tmp_path, label="Machine - made")) as runtime:
        assert runtime.store.revision() is not None  # migrated
        assert runtime.engine.name == "pseudo"
        translator = runtime.translator()
        assert translator.memory is not None and translator.glossary is not None
        translation = translator.translate(ARTICLE, "es")
        assert translation.label == "Machine - made"
        signature = translation.provenance.signature()
        found = translator.memory.lookup(
            "The council met on Monday.", "en", "es", signature=signature
        )
        assert found is not None  # the machine translation is in the memory
        job = runtime.newsroom().submit(b"Headline\n\nA body.", "text", "a1", ["es"]).jobs[0]
        worker = runtime.worker()
        assert worker.run_pending() == [job]
        assert runtime.newsroom() is runtime.newsroom()
    assert (tmp_path / "data" / "tarjama.db").is_file()


def test_the_memory_setting_keeps_the_memory_out_of_the_translator(tmp_path: Path) -> None:
    with Runtime.open(settings_for(tmp_path, memory=False)) as runtime:
        translator = runtime.translator()
        assert translator.memory is None and translator.glossary is not None


class Closing(PseudoEngine):
    """The pseudo engine, saying whether it was closed."""

    closed = False

    def close(self) -> None:
        self.closed = True


def pooled(store: Store) -> int:
    """Connections the store keeps open for reuse: none once it is closed."""
    return int(store.engine.pool.checkedin())


def test_a_runtime_closes_what_it_built(tmp_path: Path) -> None:
    with Runtime.open(settings_for(tmp_path)) as runtime:
        store = runtime.store
        runtime.translator().translate(ARTICLE, "es")
        assert pooled(store) >= 1
    assert pooled(store) == 0


def test_what_is_handed_in_belongs_to_the_caller(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with open_store(settings) as store:
        engine = Closing()
        with Runtime.open(settings, store=store, engine=engine) as runtime:
            assert runtime.store is store and runtime.engine is engine
            runtime.translator().translate(ARTICLE, "es")
        assert pooled(store) >= 1 and not engine.closed
        with pytest.raises(ConfigError, match="unknown engine"):  # and when opening fails
            Runtime.open(settings, store=store, engine_name="no-such-engine")
        assert pooled(store) >= 1 and not engine.closed
