"""The MPS SAM protocol of second-generation ID-card readers (devices.md Part A)."""
