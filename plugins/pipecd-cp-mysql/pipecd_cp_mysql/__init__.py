"""pipecd-cp-mysql: the `mysql` datastore for pipecd-cp, in PipeCD's own MySQL layout.

Select it with `spec.datastore: {type: MYSQL, config: {url, database, usernameFile, passwordFile}}`.
"""
from pipecd_cp_mysql.store import MySQLDataStore

__all__ = ["MySQLDataStore"]
