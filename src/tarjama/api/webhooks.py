"""Webhooks (``/v1/webhooks``): a CMS registers URLs to hear of translations, and sees how
each delivery went. A webhook belongs to the key that registered it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from tarjama.api.errors import responses
from tarjama.api.schemas import Out
from tarjama.api.security import Editor
from tarjama.jobs import webhooks
from tarjama.store import Delivery, Store, Webhook

router = APIRouter(prefix="/v1", tags=["webhooks"])

Event = Literal["translated", "needs-review", "reviewed"]
WebhookId = Annotated[int, Path(ge=1, le=2**62)]


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(pattern=r"^https?://[^\s]+$", max_length=2000,
                     description="Where events are POSTed (http or https).")  # fmt: skip
    events: list[Event] = Field(default=["translated", "needs-review", "reviewed"],
                                min_length=1, max_length=3,
                                description="The events wanted (default: all).")  # fmt: skip


class WebhookOut(Out):
    id: int
    url: str
    events: list[str]
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Signs every delivery (HMAC-SHA256); shown only now.")


class DeliveryOut(Out):
    id: int
    event: str
    state: str = Field(description="pending, delivering, delivered or failed")
    attempts: int
    status_code: int | None
    error: str
    created_at: datetime
    updated_at: datetime


def _out(hook: Webhook) -> WebhookOut:
    return WebhookOut(id=hook.id, url=hook.url, events=hook.events.split(","),
                      created_at=hook.created_at)  # fmt: skip


def _store(request: Request) -> Store:
    store: Store = request.app.state.services.store
    return store


@router.post(
    "/webhooks",
    summary="Register a webhook",
    description="tarjama POSTs each event (`translated`, `needs-review`, `reviewed`) as JSON, "
    "with `X-Tarjama-Signature: sha256=<hex>`, the HMAC-SHA256 of `<X-Tarjama-Timestamp>.<body>` "
    "keyed with the secret answered here; a failed delivery is tried again with exponential "
    "backoff (1, 4, 16, 64, 256 s).",
    response_model=WebhookCreated,
    status_code=201,
    responses=responses(400, 401, 403, 422, 429),
)
async def create_webhook(body: WebhookIn, request: Request, caller: Editor) -> WebhookCreated:
    def create() -> WebhookCreated:
        with _store(request).begin() as session:
            hook, secret = webhooks.register(session, caller.key_id or "", body.url, body.events)
            return WebhookCreated(**_out(hook).model_dump(), secret=secret)

    return await run_in_threadpool(create)


@router.get(
    "/webhooks",
    summary="The caller's webhooks",
    description="The webhooks registered with the caller's key (without their secrets).",
    response_model=list[WebhookOut],
    responses=responses(401, 403, 429),
)
async def list_webhooks(request: Request, caller: Editor) -> list[WebhookOut]:
    def listed() -> list[WebhookOut]:
        with _store(request).session() as session:
            hooks = session.scalars(
                select(Webhook).where(Webhook.owner == (caller.key_id or "")).order_by(Webhook.id)
            ).all()
            return [_out(h) for h in hooks]

    return await run_in_threadpool(listed)


@router.delete(
    "/webhooks/{webhook_id}",
    summary="Remove a webhook (and its deliveries)",
    description="Only the key that registered it may remove it (404 `webhook_not_found` else).",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422, 429),
)
async def delete_webhook(webhook_id: WebhookId, request: Request, caller: Editor) -> Response:
    def delete() -> None:
        with _store(request).begin() as session:
            session.delete(webhooks.owned(session, caller.key_id or "", webhook_id))

    await run_in_threadpool(delete)
    return Response(status_code=204)


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    summary="A webhook's deliveries and their outcome, newest first",
    description="Each event sent to the webhook: pending, delivering, delivered or failed, "
    "with its attempts, the last answer's status and the error.",
    response_model=list[DeliveryOut],
    responses=responses(401, 403, 404, 422, 429),
)
async def list_deliveries(
    webhook_id: WebhookId,
    request: Request,
    caller: Editor,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryOut]:
    def listed() -> list[DeliveryOut]:
        with _store(request).session() as session:
            webhooks.owned(session, caller.key_id or "", webhook_id)
            rows = session.scalars(
                select(Delivery).where(Delivery.webhook_id == webhook_id)
                .order_by(Delivery.id.desc()).limit(limit)
            ).all()  # fmt: skip
            return [DeliveryOut.model_validate(d) for d in rows]

    return await run_in_threadpool(listed)
