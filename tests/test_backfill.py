"""``tarjama backfill``: an archive's articles counted, queued at the backfill priority, run,
and a second run that skips what is done and takes up what an interrupted run left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tarjama import formats
from tarjama.cli import main
from tarjama.config import Settings
from tarjama.newsroom.backfill import documents, words
from tarjama.runtime import Runtime

STORY = "Council meets\n\nThe council met on {day} in the town hall.\n"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    (folder / "2019").mkdir(parents=True)
    (folder / "2019" / "budget.txt").write_text(STORY.format(day="Monday"))
    (folder / "strike.txt").write_text(STORY.format(day="Tuesday"))
    dump = [{"uri": f"urn:ex:{n}", "headline": f"Story {n}", "body_text": "It rained."}
            for n in range(2)]  # fmt: skip
    (folder / "dump.json").write_text(json.dumps(dump))
    (folder / "more.jsonl").write_text(json.dumps({"uri": "urn:ex:9", "headline": "Nine",
                                                   "body_text": "It snowed."}) + "\n")  # fmt: skip
    (folder / "feed.rss").write_text(
        '<rss version="2.0"><channel><title>Bay</title>'
        "<item><title>Ferries back</title><guid>https://ex.org/1</guid>"
        "<description>&lt;p&gt;Ferries returned.&lt;/p&gt;</description></item>"
        "<item><title>Storm ends</title><link>https://ex.org/2</link>"
        "<description>The storm ended.</description></item></channel></rss>"
    )
    (folder / "notes.md").write_text("not an article")  # not a suffix backfill reads
    return folder


@pytest.fixture
def env(tmp_path: Path, store_url: str) -> dict[str, str]:
    return {"TARJAMA_DATA_DIR": str(tmp_path / "data"), "TARJAMA_STORE": store_url,
            "TARJAMA_ENGINE": "pseudo", "TARJAMA_QUEUE_URL": ""}  # fmt: skip


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["backfill", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_the_archive_is_read_whole(archive: Path) -> None:
    found = list(documents([archive]))
    assert [d.publisher_id for d in found if d.format == "text"] == ["2019~budget", "strike"]
    assert sum(d.format == "ninjs" for d in found) == 3
    assert sum(d.format == "html" for d in found) == 2  # the feed's items


def test_dry_run_counts_and_stores_nothing(archive: Path, env: dict[str, str]) -> None:
    total = sum(words(formats.read(d.data, d.format)) for d in documents([archive]))
    code, out, _ = run(env, str(archive), "--to", "es,ca", "--dry-run")
    assert code == 0, out
    assert out.strip() == f"7 articles, {total} words; 14 tasks into es, ca"
    with Runtime.open(Settings.load(environ=env)) as runtime:
        assert runtime.newsroom().jobs() == []


def test_a_second_run_skips_what_is_done(archive: Path, env: dict[str, str]) -> None:
    code, out, err = run(env, str(archive), "--to", "es,ca")
    assert code == 0, err
    assert "14 tasks queued, 0 articles already done" in err
    assert out.startswith("14 done, 0 failed, ")
    settings = Settings.load(environ=env)
    with Runtime.open(settings) as runtime:
        jobs = runtime.newsroom().jobs()
        assert len(jobs) == 14 and {(j.state, j.priority) for j in jobs} == {("done", "backfill")}
        assert runtime.newsroom().translation("urn:ex:9", "ca").status == "translated"
        assert runtime.newsroom().translation("2019~budget", "es").status == "translated"

    code, out, err = run(env, str(archive), "--to", "es,ca")
    assert code == 0 and "0 tasks queued, 7 articles already done" in err
    code, out, err = run(env, str(archive), "--to", "es,ca,gl")  # a language more
    assert code == 0 and "7 tasks queued, 0 articles already done" in err


def test_a_run_takes_up_what_an_interrupted_one_left(
    archive: Path, env: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings.load(environ=env)
    with Runtime.open(settings) as runtime:  # an earlier run stored and queued, then died
        story = (archive / "strike.txt").read_bytes()
        left = runtime.newsroom().submit(story, "text", "strike", ["es"], priority="backfill")
    code, _, err = run(env, str(archive / "strike.txt"), "--to", "es")
    assert code == 0 and "1 tasks queued, 0 articles already done" in err
    with Runtime.open(settings) as runtime:
        assert runtime.newsroom().job(left.jobs[0]).state == "done"


def test_untranslated_articles_of_the_store(env: dict[str, str]) -> None:
    settings = Settings.load(environ=env)
    with Runtime.open(settings) as runtime:
        newsroom = runtime.newsroom()
        for n in range(3):
            newsroom.submit(STORY.format(day=n).encode(), "text", f"s{n}", ["es"])
        runtime.worker().run_pending()
    code, out, _ = run(env, "--untranslated", "--to", "es,ca", "--dry-run")
    assert code == 0 and out.startswith("3 articles, ")
    code, out, err = run(env, "--untranslated", "--to", "es,ca")
    assert code == 0 and "3 tasks queued" in err and out.startswith("3 done, 0 failed")
    code, out, _ = run(env, "--untranslated", "--to", "es,ca", "--dry-run")
    assert out.startswith("0 articles, 0 words")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give folders or files of articles, or --untranslated"),
        (("--to", ""), "give at least one target language"),
    ],
)
def test_backfill_usage_errors(env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    code, _, err = run(env, *args) if args else run(env, "--to", "es")
    assert code != 0 and message in err
