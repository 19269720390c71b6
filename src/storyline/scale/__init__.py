"""Running storyline on a cluster: the Dask backend (:mod:`storyline.scale.dask`).

Importing this package imports nothing heavy; Dask is imported inside the
functions that use it.
"""
