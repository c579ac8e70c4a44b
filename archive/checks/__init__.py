"""Translation checks, per turn: which turns need a person.

The checks (pure Python, no Django; ``tests/archive/checks/test_purity.py``):

- ``catalogue``: ``CHECKS``, each a stable ``id``, a ``severity`` (error, warning,
  notice) and a one-line ``message`` (an English msgid translated for the editors;
  ``{…}`` fields come from a finding's params). The ids: ``missing-original``,
  ``merged-original``, ``untranslated``, ``number-mismatch``, ``truncated``,
  ``length-ratio``, ``name-mismatch``, ``name-unlike-archive``,
  ``placeholder-speaker``, ``untagged-mention``.
- ``turns.check_episode(turns, tagged=…, known=…)``: the findings of each turn of one
  episode (``TurnText(label, translation, english)``); a ``Finding`` has the check
  id, params, and what to highlight: ``(start, end)`` character spans in the
  translation and in the English (``spans()`` as JSON). Its docstring says how the
  thresholds were calibrated on the archive.
- ``numbers``: numbers as both languages write them (``50亿美元`` = ``$5 billion``);
  ``names``: Latin-script names, near spellings, the archive's ``KnownNames``;
  ``documents``: a codec ``Document`` checked, and the line of each of its blocks.

Stored flags (Django; ``archive.models.TurnFlag``, one row per flagged turn and check):

- computed at import in the workers that parse (``stored.new_flag_rows`` via
  ``archive.content.store.episode_rows``; the archive's names loaded once per import,
  ``stored.names_loaded_once``) and again by every write of an edited body
  (``stored.recheck`` from ``store.write_changes``), in the same transaction;
- which entities are ones to tag is calibrated by how many episodes bold each
  without tagging it (``Episode.bolded_untagged``, written with the turns and by
  every recheck), one rule for an import, a recheck and an edit;
- when an import added names, its ``finish`` runs the checks that read them
  (``turns.NAME_CHECKS``, ``turns.check_sighted_names``) again over the episodes it wrote
  (``latest_names.bring_names_up_to_date``);
- a dismissal lasts while its turn's label and texts keep their ``fingerprint``,
  through edits of other turns and re-imports alike.

The API for the review pages (``archive.checks.stored``):

- ``flags_by_turn(episode_id, dismissed=True)``: ``{turn id: [TurnFlag, …]}``, one query;
- ``dismiss(flag, by)`` / ``undismiss(flag)``;
- ``message(flag)``: its message in the active language; ``CHECKS`` / ``BY_ID`` here:
  the catalogue; ``flag.spans``: ``{"translation": [[start, end], …], "english": […]}``.

``manage.py check_translations`` prints the stored flags (``report``), ``--recheck``
running the checks afresh first.
"""
from .catalogue import BY_ID, CHECKS, Check
from .names import KnownNames
from .turns import Finding, TurnText, check_episode

__all__ = ["BY_ID", "CHECKS", "Check", "Finding", "KnownNames", "TurnText", "check_episode"]
