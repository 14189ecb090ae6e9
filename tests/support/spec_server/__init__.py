"""A loopback HTTP server that answers any OpenAPI 3.0/3.1 document, checks and records requests.

See `_server.SpecServer`. The corpus tests (tests/corpus/) call every operation of generated
clients against it; anything else that needs "a server for this spec" can use it too.
"""

from tests.support.spec_server._document import Document, Operation, Parameter
from tests.support.spec_server._samples import SampleError, Sampler
from tests.support.spec_server._schemas import SchemaChecker, canonical
from tests.support.spec_server._security import Credential
from tests.support.spec_server._server import Exchange, SpecServer, TokenRequest

__all__ = [
    "Credential",
    "Document",
    "Exchange",
    "Operation",
    "Parameter",
    "SampleError",
    "Sampler",
    "SchemaChecker",
    "SpecServer",
    "TokenRequest",
    "canonical",
]
