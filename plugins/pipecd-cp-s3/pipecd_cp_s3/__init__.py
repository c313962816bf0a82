"""pipecd-cp-s3: the `s3` file store backend (`spec.filestore.type: S3`), on boto3."""
from pipecd_cp_s3.config import S3Settings, parse_settings
from pipecd_cp_s3.store import S3FileStore

__all__ = ["S3FileStore", "S3Settings", "parse_settings"]
