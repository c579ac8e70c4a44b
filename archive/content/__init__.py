"""The content: episode files in, rows, the same files out, nothing lost.

- ``fields``: front-matter values checked against their key, and the columns they fill;
- ``store``: a parsed document as an episode's rows and back (``bulk`` writes many
  rows in few statements);
- ``importing``: a folder of files into episodes, file by file, never undoing an edit
  (``sources``: which files, known by which path; ``slugplan`` and ``slugs``: their
  addresses, as the static site makes them; ``syncstate``: the hash of their bytes);
- ``exporting``: episodes back into files, byte for byte, from one ``snapshot``;
  ``publishing`` commits what an export wrote to the content repository.

The models are ``archive.models``; the codec (text ↔ document tree) is ``archive.codec``.
"""
