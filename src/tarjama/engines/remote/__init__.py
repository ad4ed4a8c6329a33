"""Remote engines: translation providers behind HTTP APIs, each speaking the provider's own format.

``http`` is the one HTTP layer (timeouts, retries with backoff, errors mapped to tarjama's, keys
kept out of messages and logs); ``tags`` carries tarjama's inline tags through a provider's tag
handling and checks that every one came back; ``base`` is what every remote engine shares
(language list cached, batches split to the provider's limits). One module per provider.
"""
