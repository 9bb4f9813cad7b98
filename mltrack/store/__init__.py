"""The database file: where it is, how to connect, the revisions this code knows."""
