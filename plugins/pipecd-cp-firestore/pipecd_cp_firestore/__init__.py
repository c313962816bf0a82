"""pipecd-cp's `firestore` datastore: documents in Google Cloud Firestore, in PipeCD's own layout.

Select it with `spec.datastore.type: FIRESTORE` (see `config` for the block). PipeCD's kinds are
stored exactly as PipeCD's Go code stores them, so PipeCD and pipecd-cp can share a database.
"""
from pipecd_cp_firestore.store import FirestoreDataStore

__all__ = ["FirestoreDataStore"]
