"""The audit archive: a SQLite file that `sync_audits` keeps current from the API through the export
engine, and that `AuditArchive` answers questions from (search, an entity's history, what it covers).

`_schema` opens a file (refusing one that is not an archive) and migrates it; `_rows` turns a record's
JSON text into its typed columns; `_store` writes a page of records with its export's checkpoint in one
transaction; `_coverage` does the interval arithmetic of what each sync stream covers; `_lock` keeps one
sync per archive; `_sync` runs the syncs; `_read` answers; `_parquet` writes the Parquet dataset.
"""

__all__: list[str] = []
