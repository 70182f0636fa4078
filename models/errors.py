"""The OnRecord exception tree. Every error we raise derives from OnRecordError.

    OnRecordError
    ├── InputError           bad user input: missing file, no audio track, unknown id, empty query
    │   ├── UnknownStreamError   a ticket names a stream the merchant does not have (404)
    │   ├── UnknownClaimError    no such claim among the merchant's streams (404)
    │   ├── TicketConflictError  a ticket id used before for a different ticket (409)
    │   ├── TicketBusyError      another request is still answering this ticket id (409)
    │   └── BundleTooLargeError  a bundle over the deployment's byte limit (413)
    ├── QuotaExceededError   a key has spent an allowance (429 with Retry-After)
    ├── ConfigError          settings that cannot work (bad URL scheme, unknown model path)
    ├── ModelAssetError      model weights missing or failing their size/sha256 check
    ├── CaptureError         media could not be read/demuxed/segmented
    ├── StorageError         object store or archive failure
    ├── CatalogError         catalog (SQL) failure
    ├── TranscriptionError   speech-to-text failure
    ├── ClaimsError          claim extraction failure
    ├── SearchIndexError     search index failure
    └── VerificationError    a hash chain, segment or bundle failed verification

Third-party exceptions are translated once, at the adapter that calls the library.
"""


class OnRecordError(Exception):
    """Root of every error OnRecord raises on purpose."""


class InputError(OnRecordError):
    """The user gave input we cannot use; the message names it and what was expected."""


class UnknownStreamError(InputError):
    """The ticket names a stream the merchant does not have."""


class UnknownClaimError(InputError):
    """No such claim among the merchant's streams."""


class TicketConflictError(InputError):
    """The ticket id was used before for a different ticket."""


class TicketBusyError(InputError):
    """Another request is still answering this ticket id (409: retry later)."""


class BundleTooLargeError(InputError):
    """The bundle would hold more bytes than the deployment allows (413)."""


class QuotaExceededError(OnRecordError):
    """A key has spent its allowance: `retry_after` whole seconds until the charge would pass."""

    def __init__(self, message: str, action: str, retry_after: int) -> None:
        super().__init__(message)
        self.action, self.retry_after = action, retry_after


class ConfigError(OnRecordError):
    """A setting cannot work as given."""


class ModelAssetError(OnRecordError):
    """Model weights are missing or failed a check."""


class CaptureError(OnRecordError):
    """Media could not be captured or segmented."""


class StorageError(OnRecordError):
    """The object store or archive failed."""


class CatalogError(OnRecordError):
    """The catalog database failed."""


class TranscriptionError(OnRecordError):
    """Speech-to-text failed."""


class ClaimsError(OnRecordError):
    """Claim extraction failed."""


class SearchIndexError(OnRecordError):
    """The search index failed."""


class VerificationError(OnRecordError):
    """Verification of a chain, segment or bundle failed; the message names what failed."""
