import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codec import parse
from archive.content.episode_filter import of_episodes
from archive.content.exporting import _CHUNK
from archive.content.store import save_document
from archive.models import Episode

from ..episode_texts import INSERTION_ERA

pytestmark = pytest.mark.django_db


def episode_ids(count: int) -> list[int]:
    for number in range(Episode.objects.count(), count):
        save_document(parse(INSERTION_ERA), source_path=f"ep-{number}.md", slug=f"ep-{number}", source_hash="")
    return list(Episode.objects.order_by("pk").values_list("pk", flat=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, 7), min_size=1, max_size=8))
def test_the_rows_of_a_chunk_are_those_of_its_episodes_and_no_others(picks):
    ids = episode_ids(8)
    chosen = [ids[pick] for pick in picks]
    condition, parameters = of_episodes(connection.ops.quote_name("episode_id"), chosen)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT episode_id FROM archive_turn WHERE {condition}", parameters)
        assert {row[0] for row in cursor.fetchall()} == set(chosen)


def test_a_chunk_of_a_large_table_without_statistics_is_read_through_its_index():
    if connection.vendor != "postgresql":
        pytest.skip("the plan PostgreSQL makes for a table that was never analyzed")
    episode_ids(3)
    with connection.cursor() as cursor:
        # The turn table's twin, never analyzed (an import into another database may have
        # analyzed the test database's own), filled as an import leaves it.
        cursor.execute("CREATE TEMPORARY TABLE fresh_turns (LIKE archive_turn INCLUDING ALL)")
        cursor.execute(
            "INSERT INTO fresh_turns (id, episode_id, position, kind, speaker_label, translation, style_id) "
            "SELECT n * 10 + episode.id, episode.id, 1000 + n, 'turn', '', repeat('句', 300), 1 "
            "FROM archive_episode episode, generate_series(1, 1500) n"
        )

        def plan(condition: str, parameters: list[int]) -> str:
            cursor.execute(f"EXPLAIN SELECT * FROM fresh_turns WHERE {condition}", parameters)
            return "\n".join(row[0] for row in cursor.fetchall())

        chunk = list(range(1, _CHUNK + 1))  # ids of an export's chunk; a plan needs no rows
        assert "Seq Scan" in plan(f"episode_id IN ({', '.join(['%s'] * len(chunk))})", chunk)
        assert "Seq Scan" not in plan(*of_episodes("episode_id", chunk))
