"""bringup: acceptance tests and validation for GPU clusters on RoCE fabrics."""

__version__ = "0.1.0"
