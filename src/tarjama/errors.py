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
    └── EngineError                the engine failed (after its retry)
        ├── EngineUnavailableError missing binaries or data, dead process, provider 5xx
        │   ├── CircuitOpenError   the breaker stopped calling a failing engine for a while
        │   └── StreamIntegrityError  a long-lived engine process answered out of step
        ├── EngineTimeoutError
        ├── EngineAuthError        a remote provider refused the key (401, 403)
        ├── EngineRequestError     a remote provider refused the request (400, 413, 414)
        ├── EngineRateLimitError   429: carries the provider's Retry-After, in seconds
        ├── EngineQuotaError       the account's quota is spent (DeepL's 456)
        └── PlaceholderError       a model lost or duplicated a placeholder, beyond recovery

Library code raises these; the CLI maps them to exit codes in one table (``cli.EXIT_CODES``).
"""

from __future__ import annotations

from collections.abc import Iterable


class TarjamaError(Exception):
    """Base of every error tarjama raises on purpose."""


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
