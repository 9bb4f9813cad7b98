"""mltrack: a learning-roadmap tracker for the machine learning engineer pathway."""

__version__ = "0.1.0"
