"""Bundles: one API as a service's CI read it, published for a portal to assemble.

`format` defines the file, `write` makes and publishes bundles, `storage` reaches folders and
object stores through fsspec, and `read` unpacks the bundles of a source into checkouts that
the pipeline reads like any other.
"""
