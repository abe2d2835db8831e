"""Tests of the canonical formatter (xspec.fmt)."""
