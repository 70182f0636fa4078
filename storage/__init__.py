"""Object stores (local folder, S3/MinIO) and the SQL catalog."""

from storage.catalog import Catalog
from storage.objects import LocalStore, ObjectStore, make_store

__all__ = ["Catalog", "LocalStore", "ObjectStore", "make_store"]
