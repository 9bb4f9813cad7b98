"""The read side: named-parameter SQL on the standard library sqlite3, returning dataclasses."""
