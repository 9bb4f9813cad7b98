"""The machine learning engineer pathway as data (TOML), shipped as ``mltrack.seed``."""
