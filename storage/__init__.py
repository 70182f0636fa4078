"""Object stores (local folder, S3/MinIO) and the SQL catalog."""

from storage.catalog import Catalog
from storage.factory import make_store
from storage.objects import LocalStore, ObjectStore

__all__ = ["Catalog", "LocalStore", "ObjectStore", "make_store"]
