"""Evaluation against gold data: clustering and coreference metrics, story clustering on ECB+.

``storyline.evaluate.metrics`` holds the scores; ``storyline.evaluate.stories``
runs story clustering and its baseline on ECB+, ``storyline.evaluate.timex`` time
expressions and a dateparser baseline on TempEval-3 (``storyline eval`` runs them all).
Nothing heavy is imported here.
"""
