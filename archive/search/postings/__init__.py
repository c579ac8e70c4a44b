"""A positional inverted index of the folded texts, in files read through ``mmap``.

``tokens`` cuts a folded text into the keys it is indexed under, ``writer`` builds an
index's files from the ``SearchText`` rows, ``reader`` opens them and finds where a
term occurs (``archive.search.backends.postings`` answers queries with it).
"""
