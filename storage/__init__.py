"""Object stores (local folder, S3/MinIO) and the SQL catalog."""

# Every table of a deployment is on the catalog's `metadata` as soon as `storage` is imported, whatever
# the process went on to import: the first process to open a catalog creates the whole schema, and a
# later one (a reader on a full disk, an older worker) never has a table left to create.
from storage import accounts, chat, desk_tickets, quotas, work_tables  # noqa: F401
from storage.catalog import Catalog
from storage.chat import ChatAdded, ChatCatalog
from storage.factory import make_store
from storage.objects import LocalStore, ObjectStore
from storage.reserve import DiskReserve

__all__ = ["Catalog", "ChatAdded", "ChatCatalog", "DiskReserve", "LocalStore", "ObjectStore", "make_store"]
