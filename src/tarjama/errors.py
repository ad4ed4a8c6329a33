"""One exception tree for everything tarjama raises on purpose.

    TarjamaError
    ├── InputError                 the caller's input is unusable (says what and where)
    │   ├── EmptyInputError
    │   ├── EncodingError          not UTF-8
    │   ├── FormatError            malformed HTML, JSON, ninjs, XML
    │   ├── CharacterError         a character the text rule refuses (``tarjama.intake``)
    │   ├── MarkupError            strict: the translation would change the page's markup
    │   └── InputTooLargeError
    ├── LanguageError              unknown language or unsupported pair (lists the available ones)
    ├── ConfigError
    │   └── StoreConfigError       the store URL is unusable, or its driver is not installed
    ├── EngineError                the engine failed (after its retry)
    │   ├── EngineUnavailableError missing binaries or data, dead process, provider 5xx
    │   │   ├── CircuitOpenError   the breaker stopped calling a failing engine for a while
    │   │   └── StreamIntegrityError  a long-lived engine process answered out of step
    │   ├── EngineTimeoutError
    │   ├── EngineAuthError        a remote provider refused the key (401, 403)
    │   ├── EngineRequestError     a remote provider refused the request (400, 413, 414)
    │   ├── EngineRateLimitError   429: carries the provider's Retry-After, in seconds
    │   ├── EngineQuotaError       the account's quota is spent (DeepL's 456)
    │   └── PlaceholderError       a model lost or duplicated a placeholder, beyond recovery
    ├── StoreError                 the database failed an operation (after the driver's retries)
    ├── TranslationFailedError     any failure on the server's side, as LibreTranslate's routes
    │                              answer it (one 500, whatever failed)
    ├── NotFoundError              no such article, version, translation, segment, job, unit...
    ├── ConflictError              valid, but the state does not allow it (a translation not
    │                              ready; a change colliding with a stored entry)
    ├── AccessError                the service refuses the caller
    │   ├── UnauthenticatedError   no key, or not a good one
    │   │   ├── KeyRequiredError   no key where the route needs one
    │   │   ├── InvalidKeyError    malformed, unknown or wrong
    │   │   └── RevokedKeyError
    │   ├── ForbiddenError         the key's role is below the route's
    │   └── RateLimitedError       too many requests: carries the seconds to wait
    │       └── TooManyFailuresError  too many failed key checks from one address
    └── UnavailableError           the service cannot do this now; retry later
        ├── BusyError              too much at once (keys of the old format being checked)
        └── NotReadyError          the engine or the store fails its check (``/ready``)

Library code raises these; the edges map them, each in one table: the HTTP service to a status
and an error code (``api/errors.py``, ``ERROR_TABLE``), the command line to an exit code
(``cli/base.py``, ``EXIT_CODES``). Errors of other libraries are mapped where they are caught,
chained with ``from exc``: the database's in ``store/database.py``, a provider's in its engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class TarjamaError(Exception):
    """Base of every error tarjama raises on purpose."""

    code = ""
    """A finer error code than its kind's, where one kind has several (``article_not_found``,
    ``term_not_found``): the edges show it instead of the kind's."""


class InputError(TarjamaError):
    pass


class EmptyInputError(InputError):
    pass


class EncodingError(InputError):
    pass


class FormatError(InputError):
    pass


class InputTooLargeError(InputError):
    pass


class MarkupError(InputError):
    """Asked to be strict: the page's markup would not come through whole (what differs)."""


class CharacterError(InputError):
    """A character that is not text (``tarjama.intake``): where it is and which it is."""

    def __init__(
        self, message: str, *, offset: int, character: str, line: int = 0, column: int = 0
    ) -> None:
        super().__init__(message)
        self.offset = offset
        self.character = character
        self.line = line
        self.column = column


class LanguageError(TarjamaError):
    def __init__(self, message: str, available: Iterable[str] = ()) -> None:
        self.available = sorted(available)
        if self.available:
            message = f"{message}; available: {', '.join(self.available)}"
        super().__init__(message)


class ConfigError(TarjamaError):
    pass


class StoreConfigError(ConfigError):
    """The store URL is unusable: unparseable, or names a driver that is not installed."""


class EngineError(TarjamaError):
    pass


class EngineUnavailableError(EngineError):
    pass


class EngineTimeoutError(EngineError):
    pass


class CircuitOpenError(EngineUnavailableError):
    pass


class StreamIntegrityError(EngineUnavailableError):
    """An output of a long-lived engine process did not carry its request's frame: the stream
    is out of step, and nothing read from it can be trusted until the process is restarted."""


class EngineAuthError(EngineError):
    pass


class EngineRequestError(EngineError):
    pass


class EngineRateLimitError(EngineError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class EngineQuotaError(EngineError):
    pass


class PlaceholderError(EngineError):
    pass


class StoreError(TarjamaError):
    """The database refused or failed an operation (after the driver's own retries)."""


class TranslationFailedError(TarjamaError):
    """Translating failed on the server's side (engine, store...), said the way LibreTranslate's
    clients expect: one kind, whatever failed (the cause is chained)."""


class NotFoundError(TarjamaError):
    """No such article, version, translation, segment, job, term or unit; ``code`` says which
    (``article_not_found``...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ConflictError(TarjamaError):
    """The request is valid but what it acts on is not in a state that allows it; ``code`` says
    why (``translation_not_ready``, ``conflict`` for a change colliding with a stored entry)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class AccessError(TarjamaError):
    """The service refuses the caller (``tarjama.api.security``)."""


class UnauthenticatedError(AccessError):
    pass


class KeyRequiredError(UnauthenticatedError):
    pass


class InvalidKeyError(UnauthenticatedError):
    pass


class RevokedKeyError(UnauthenticatedError):
    pass


class ForbiddenError(AccessError):
    pass


class RateLimitedError(AccessError):
    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class TooManyFailuresError(RateLimitedError):
    pass


class UnavailableError(TarjamaError):
    """The service cannot do this now; the caller may retry (after ``retry_after`` seconds when
    it is known)."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class BusyError(UnavailableError):
    pass


class NotReadyError(UnavailableError):
    """A readiness check failed: ``checks`` has what each check said."""

    def __init__(self, message: str, checks: Mapping[str, str]) -> None:
        super().__init__(message)
        self.checks = dict(checks)
