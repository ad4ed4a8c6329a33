"""tarjama's HTTP service: FastAPI app factory, routes, security, limits, metrics.

api/app.py             create_app (lifespan: store migrated, engine started/closed), serve
api/errors.py          exceptions -> HTTP status and error code, one table; the envelope
api/translate.py       POST /v1/translate
api/articles.py        /v1/articles, /v1/jobs: submit, versions, translations, review
api/memory.py          /v1/glossary (terms CRUD, CSV/TBX import and export),
                       /v1/memory (TMX import and export, lookup, corrections, counts)
api/libretranslate.py  POST /translate, GET /languages, POST /detect (LibreTranslate's format)
api/ops.py             GET /health, /ready, /metrics
api/security.py        API keys (HMAC-hashed, remembered briefly), roles, what anonymous
                       callers may do, rate and failed-authentication limits
api/limits.py          body size and time limit middleware, token buckets
api/deadline.py        the request headers' deadline (a uvicorn protocol subclass)
api/adhoc.py           text/HTML in, same shape out; character limit
api/headers.py         security headers on every answer; CORS by route group
api/detect.py          language detection for /detect and source=auto (py3langid)
api/logs.py            JSON log lines, request ids, per-request metrics
"""

from tarjama.api.app import create_app, serve
from tarjama.api.options import ServiceOptions
from tarjama.api.security import ApiKeys, Role, create_key, revoke_key

__all__ = ["ApiKeys", "Role", "ServiceOptions", "create_app", "create_key", "revoke_key", "serve"]
