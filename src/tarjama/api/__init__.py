"""tarjama's HTTP service: FastAPI app factory, routes, security, limits, metrics.

api/app.py             create_app (its lifespan opens tarjama.runtime), serve
api/errors.py          exceptions -> HTTP status and error code, one table; the envelope
api/services.py        what the routes share (found on app.state)
api/schemas.py         request bodies; response bodies built from tarjama's values
api/translate.py       POST /v1/translate, /v1/feeds/translate
api/articles/          /v1/articles, /v1/jobs, /v1/feeds/{lang}: submit, read, review
api/memory/            /v1/glossary (terms CRUD, CSV/TBX import and export),
                       /v1/memory (TMX import and export, lookup, corrections, counts)
api/libretranslate.py  POST /translate, GET /languages, POST /detect (LibreTranslate's format)
api/ops.py             GET /health, /ready, /metrics
api/keys.py            API keys (HMAC-hashed, remembered briefly), roles
api/security.py        the checks of every protected route: what anonymous callers may do,
                       roles, rate and failed-authentication limits
api/limits.py          body size and time limit middleware, token buckets
api/deadline.py        the request headers' deadline (a uvicorn protocol subclass)
api/adhoc.py           text/HTML in, same shape out; character limit
api/cache.py           whole answers made from the memory, kept while the memory stands still
api/headers.py         security headers on every answer; CORS by route group
api/detect.py          language detection for /detect and source=auto (py3langid)
api/logs.py            JSON log lines, request ids, per-request metrics
api/metrics.py         Prometheus counters and histograms
api/options.py         the settings the service reads, checked once
"""

from tarjama.api.app import create_app, serve
from tarjama.api.keys import ApiKeys, Role, create_key, revoke_key
from tarjama.api.options import ServiceOptions

__all__ = ["ApiKeys", "Role", "ServiceOptions", "create_app", "create_key", "revoke_key", "serve"]
