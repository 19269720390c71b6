"""Evaluation against gold data: clustering and coreference metrics, story clustering on ECB+.

``storyline.evaluate.metrics`` holds the scores; ``storyline.evaluate.stories``
runs story clustering and its baseline on ECB+ (``python -m storyline.evaluate.stories``).
Nothing heavy is imported here.
"""
