"""pipecd-cp's `gcs` file store: objects in a Google Cloud Storage bucket, at PipeCD's paths.

Select it with `spec.filestore.type: GCS` (see `config` for the block).
"""
from pipecd_cp_gcs.store import GCSFileStore

__all__ = ["GCSFileStore"]
