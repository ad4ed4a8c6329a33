"""Engine names -> import strings, so heavy dependencies load only when an engine is chosen."""

from __future__ import annotations

import importlib
from typing import Any

from tarjama.engines.base import Engine
from tarjama.errors import ConfigError

ENGINES: dict[str, str] = {
    "apertium": "tarjama.engines.apertium:ApertiumEngine",
    "ctranslate2": "tarjama.engines.ctranslate2:CTranslate2Engine",
    "pseudo": "tarjama.engines.pseudo:PseudoEngine",
    "transformers": "tarjama.engines.transformers:TransformersEngine",
    "libretranslate": "tarjama.engines.remote.libretranslate:LibreTranslateEngine",
    "deepl": "tarjama.engines.remote.deepl:DeepLEngine",
    "google": "tarjama.engines.remote.google:GoogleEngine",
    "azure": "tarjama.engines.remote.azure:AzureEngine",
    "openai": "tarjama.engines.remote.openai:OpenAIEngine",
}


def create(name: str, **options: Any) -> Engine:
    try:
        target = ENGINES[name]
    except KeyError:
        raise ConfigError(f"unknown engine {name!r}; available: {', '.join(ENGINES)}") from None
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    engine: Engine = cls(**options)
    return engine
