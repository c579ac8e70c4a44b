"""The content folder kept in step with its git repository (``manage.py sync_content``).

``gitrepo`` runs git on hostile input safely; ``merge3`` merges a file's three
versions turn by turn; ``syncing`` is the sync itself (fetch, fast-forward, import,
export, commit, push); ``resolving`` takes an editor's choice for a conflict.
"""
