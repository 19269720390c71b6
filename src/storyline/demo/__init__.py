"""The demo corpus: small articles written for storyline (see corpus/README.md)."""
