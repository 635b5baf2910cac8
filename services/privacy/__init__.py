"""Members' privacy rights: erasure (with a certificate) and a download of their data."""
