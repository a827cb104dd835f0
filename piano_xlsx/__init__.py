"""piano-xlsx: locked workbooks for the yearly performance evaluation of Italian local authorities."""

__version__ = "0.1.0"
