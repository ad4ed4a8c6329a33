"""The newsroom: articles submitted, versioned, translated incrementally and reviewed.

No HTTP here (``tarjama.api.articles`` is the thin edge). The flow:

    submit(document)   parse -> Article; same content hash as the latest version: nothing happens;
                       else version n+1 stored, one queued translation and one job per language
    run_job(job)       translate the version (memory + glossary); sentences unchanged since the
                       previous version reuse its translation, an editor's correction included;
                       a corrected sentence whose source changed is flagged for review
    correct(...)       an editor's target for one segment: into the memory as human work, into the
                       stored translation; the translation needs review until approved
    approve(...)       status reviewed, label "... - Reviewed translation (engine version)"

    service.py      the Newsroom: each call one or two transactions
    submission.py   publisher ids, the size limit, a submission's versions and jobs
    jobs.py         running a translation job
    incremental.py  what a new version reuses of the previous one, corrections carried
    review.py       corrections and approval, on a translation in memory
    repository.py   every SQL statement on articles, versions, translations and jobs
    codec.py        articles and translations as the JSON the store keeps
    records.py      what the newsroom answers
"""

from tarjama.newsroom.records import (
    FAILED,
    SOURCE_CHANGED,
    ArticleInfo,
    Correction,
    JobInfo,
    Listed,
    Page,
    Queued,
    StoredResult,
    Submission,
    VersionInfo,
)
from tarjama.newsroom.review import reviewed_label
from tarjama.newsroom.service import Newsroom, edition
from tarjama.newsroom.submission import (
    PUBLISHER_ID,
    characters,
    check_publisher_id,
    publisher_id_of,
)

__all__ = [
    "FAILED",
    "PUBLISHER_ID",
    "SOURCE_CHANGED",
    "ArticleInfo",
    "Correction",
    "JobInfo",
    "Listed",
    "Newsroom",
    "Page",
    "Queued",
    "StoredResult",
    "Submission",
    "VersionInfo",
    "characters",
    "check_publisher_id",
    "edition",
    "publisher_id_of",
    "reviewed_label",
]
