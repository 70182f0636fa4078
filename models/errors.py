"""The OnRecord exception tree. Every error we raise derives from OnRecordError.

    OnRecordError
    ├── InputError           bad user input: missing file, no audio track, unknown id, empty query
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
