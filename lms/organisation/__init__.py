"""The provider's own details (name, on-call number, training director…), kept as versions that
administrators save; the ``LMS_*`` environment variables are the defaults until the first save."""
