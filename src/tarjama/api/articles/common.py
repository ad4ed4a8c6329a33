"""What the articles routes share: the newsroom, the path parameters (article, language)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.convertors import Convertor, register_url_convertor

from tarjama.api.schemas import LANGUAGE
from tarjama.newsroom import PUBLISHER_ID, Newsroom


class _LanguageSegment(Convertor[str]):
    """A path segment shaped like a language code, so that ``/v1/feeds/{lang}`` does not take
    ``/v1/feeds/translate``: a GET there is then a 405 naming POST, not a 422 about ``lang``."""

    regex = LANGUAGE.removeprefix("^").removesuffix("$")

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("language", _LanguageSegment())

PublisherId = Annotated[
    str,
    Path(
        description="The publisher's id of the article.",
        json_schema_extra={"pattern": f"^{PUBLISHER_ID}$"},  # refused by the newsroom: 400
    ),
]
Language = Annotated[str, Path(description="A target language code (es, ca, gl...).")]


def get_newsroom(request: Request) -> Newsroom:
    newsroom: Newsroom = request.app.state.newsroom
    return newsroom


NewsroomDep = Annotated[Newsroom, Depends(get_newsroom)]
