"""pipecd-cp-minio: the `minio` file store backend (`spec.filestore.type: MINIO`), on the minio SDK."""
from pipecd_cp_minio.config import MinIOSettings, parse_settings
from pipecd_cp_minio.store import MinIOFileStore

__all__ = ["MinIOFileStore", "MinIOSettings", "parse_settings"]
