"""The write side: functions that take a Session, enforce the rules and return plain data."""
