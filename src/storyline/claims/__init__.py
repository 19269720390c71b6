"""Claims: numbers with what they count, and where sources disagree."""
