"""The command line starts at once: asking for help, or making a usage mistake, loads none of
the heavy libraries (the store, the service, the parsers, the engines' clients, the neural
libraries). Each case runs ``tarjama`` in a fresh interpreter and reads what it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "lxml", "httpx", "jsonschema",
    "babel", "pysbd", "rapidfuzz", "sacrebleu", "nh3", "py3langid", "torch", "transformers",
    "ctranslate2", "prometheus_client", "psycopg", "celery", "redis", "kombu", "jinja2",
    "readability", "charset_normalizer",
)  # fmt: skip

PROBE = """
import json, sys
from tarjama.cli import main
try:
    main(sys.argv[1:], prog_name="tarjama")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[int, list[str]]:
    """The exit status of ``tarjama ARGS`` and the heavy packages it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        input=json.dumps(HEAVY), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("--help",), 0),
        (("translate", "--help"), 0),
        (("languages", "--help"), 0),
        (("tm", "import", "--help"), 0),
        (("keys", "--help"), 0),
        (("serve", "--help"), 0),
        (("eval", "--help"), 0),
        (("translate",), 2),  # a usage mistake is answered before anything loads
        (("no-such-command",), 2),
    ],
)
def test_help_and_usage_errors_load_nothing_heavy(args: tuple[str, ...], code: int) -> None:
    assert loaded_by(*args) == (code, [])


def test_the_probe_sees_what_a_command_loads() -> None:
    """The same probe, on a command that does open the store, reports it (so the cases above
    could fail)."""
    code, loaded = loaded_by("glossary", "list", "--to", "es")
    assert code == 0
    assert "sqlalchemy" in loaded


def test_a_translation_without_the_memory_loads_no_store(tmp_path: Path) -> None:
    """A first ``tarjama translate`` of a file with no store (``--no-memory``) translates
    without loading the store's libraries."""
    article = tmp_path / "strike.txt"
    article.write_text("Port strike ends\n\nThe dockers went back to work on Monday.\n")
    code, loaded = loaded_by("translate", "--no-memory", "--to", "es", str(article))
    assert code == 0
    assert {"sqlalchemy", "alembic"}.isdisjoint(loaded)
