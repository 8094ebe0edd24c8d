"""What changed between two versions of an API, read from the version-neutral model."""
