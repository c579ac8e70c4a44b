"""SQLite: one FTS5 table of character grams (detail=none) instead of two tables.

A query of three or more characters now asks for documents holding all its character
pairs, where it asked the trigram table for the phrase; the substring check that
follows is unchanged, so results are the same, and the index costs half to build.
The gram table is rebuilt from the stored documents.
"""
from django.db import migrations

TRIGRAM = (
    "CREATE VIRTUAL TABLE archive_search_trigram USING fts5("
    "text, content='archive_searchdocument', content_rowid='id', tokenize='trigram')"
)
GRAMS_V1 = "CREATE VIRTUAL TABLE archive_search_grams USING fts5(grams, content='', tokenize='ascii')"
GRAMS_V2 = (
    "CREATE VIRTUAL TABLE archive_search_grams USING fts5("
    "grams, content='', tokenize='ascii', detail='none')"
)


def gram_tokens(text):
    """The distinct characters and pairs of ``text`` as FTS5 tokens (a copy of the
    index code of the time: migrations do not import application code)."""
    token = {code: 0xE000 + code for code in range(128)}
    token.update({code: "\ue100" + chr(code) for code in range(0xE000, 0xE101)})
    grams = dict.fromkeys([*text, *(a + b for a, b in zip(text, text[1:]))])
    return " ".join(gram.translate(token) for gram in grams)


def _fill(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, text FROM archive_searchdocument")
        rows = cursor.fetchall()
        cursor.executemany(
            "INSERT INTO archive_search_grams(rowid, grams) VALUES (%s, %s)",
            [(pk, gram_tokens(text)) for pk, text in rows],
        )


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS archive_search_trigram")
    schema_editor.execute("DROP TABLE IF EXISTS archive_search_grams")
    schema_editor.execute(GRAMS_V2)
    _fill(schema_editor)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS archive_search_grams")
    schema_editor.execute(GRAMS_V1)
    schema_editor.execute(TRIGRAM)
    schema_editor.execute("INSERT INTO archive_search_trigram(archive_search_trigram) VALUES ('rebuild')")
    _fill(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_search_grams_column")]
    operations = [migrations.RunPython(forward, backward)]
