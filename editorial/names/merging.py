"""Rename and merge names across the whole archive: speakers and every entity tag.

A change is first planned (:func:`plan_rename`): the episodes it touches, each with
the exact lines of its file that will change, and of its changes waiting for review
(its pending revision), computed from the episodes' documents without writing anything.
Applying it changes one episode per transaction, through ``editorial.edits.editing``
(row lock, one revision, readers' version and held changes alike), so a merge across
the archive never holds the database for longer than one episode: as a job
(:func:`start_rename_job`, which the admin uses) or in this process
(:func:`apply_rename`). Both refuse when the archive changed since the plan was shown
(the plan's ``token``); an episode unchanged since must come out exactly as
previewed, so the exported diff of every episode is the preview.

What a speaker's name is in a file: the front matter's ``speaker`` and ``guest``
(comma-separated) and the labels of the turns that name that person (``Dwarkesh``,
``[Dwarkesh]``), with the same bold label opening the turn's original. An entity
tag is an item of its front-matter list; a merge that puts a name twice in one list
keeps its first place only.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import itertools
import re
import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.codec import (
    Turn,
    edited,
    paragraph_block,
    parse_front_matter,
    reads_back,
    render,
    render_block,
    render_front_matter,
    speaker_name,
    with_value,
)
from archive.content import fields
from archive.content.named import ensure_speakers
from archive.content.store import column_of, load_documents, person_speaking
from archive.models import Appearance, Episode, Speaker
from archive.models import Turn as TurnRow
from editorial.edits import editing
from editorial.models import PendingRevision
from editorial.review import held

SPEAKER = "speaker"
# Revision summaries and git commit messages say these in English (they are the
# archive's record, not the admin's words); the admin shows them translated.
KIND_LABELS = {
    SPEAKER: "speaker",
    "people": "person",
    "companies_orgs": "company or organisation",
    "products_models": "product or model",
    "media_books": "media or book",
    "tags": "topic tag",
    "project": "project",
}
KIND_CHOICES = [
    (SPEAKER, gettext_lazy("speaker")),
    ("people", gettext_lazy("person")),
    ("companies_orgs", gettext_lazy("company or organisation")),
    ("products_models", gettext_lazy("product or model")),
    ("media_books", gettext_lazy("media or book")),
    ("tags", gettext_lazy("topic tag")),
    ("project", gettext_lazy("project")),
]
SPEAKER_KEYS = ("speaker", "guest")
_NAME_LIST_SEPARATOR = re.compile(r"([ \t]*[,，][ \t]*)")
_CHUNK = 100
_MAX_LENGTH = 255


class NameRefused(ValueError):
    """The rename cannot be done as asked; the message says why, for the editor."""


class PlanChanged(NameRefused):
    """The archive changed since the preview was shown: it must be looked at again."""


@dataclasses.dataclass(frozen=True)
class LineChange:
    """One changed line of a file: its number before and after (1-based), and text."""

    number: int
    before: str
    after: str


@dataclasses.dataclass(frozen=True)
class EpisodePlan:
    episode_id: int
    slug: str
    title: str
    source_path: str
    version: int
    lines: tuple[LineChange, ...]
    after_text: str = dataclasses.field(repr=False)
    labels: dict = dataclasses.field(default_factory=dict)  # old label -> new label
    columns: dict = dataclasses.field(default_factory=dict)  # speaker / guest -> new
    # The same for the episode's changes waiting for review, when it has some.
    held: EpisodePlan | None = None


@dataclasses.dataclass(frozen=True)
class RenamePlan:
    kind: str
    sources: tuple[str, ...]
    target: str
    merge: bool  # the target name already exists
    episodes: tuple[EpisodePlan, ...]

    @property
    def summary(self) -> str:
        """The revision summary of each changed episode."""
        label = KIND_LABELS[self.kind]
        names = ", ".join(f"'{name}'" for name in self.sources)
        if self.merge:
            return f"Merged {label} {names} into '{self.target}'"
        return f"Renamed {label} {names} to '{self.target}'"

    @property
    def token(self) -> str:
        """Identifies exactly what was previewed: episodes, their versions and results."""
        digest = hashlib.sha256(repr((self.kind, self.sources, self.target)).encode())
        for episode in self.episodes:
            digest.update(f"{episode.episode_id}:{episode.version}:".encode())
            digest.update(hashlib.sha256(episode.after_text.encode()).digest())
            if episode.held is not None:
                digest.update(hashlib.sha256(episode.held.after_text.encode()).digest())
        return digest.hexdigest()

    @property
    def line_count(self) -> int:
        return sum(len(episode.lines) for episode in self.episodes)


# Planning ------------------------------------------------------------------------------

def plan_rename(*, kind: str, sources, target: str) -> RenamePlan:
    """What renaming ``sources`` to ``target`` would change, episode by episode.

    Raises :class:`NameRefused` for an unknown kind or source, a target among the
    sources, or a target the files cannot hold: one that a file would read back as
    another name (``Ho*st``, ``Host**: fake``, a line break, a comma in the
    comma-separated ``speaker`` and ``guest`` fields, a label too long to be one).
    """
    if kind not in KIND_LABELS:
        raise NameRefused(_("Unknown kind of name: %(kind)r.") % {"kind": kind})
    sources = tuple(dict.fromkeys(name for name in sources if name))
    check_name(kind, target)
    if not sources:
        raise NameRefused(_("Give at least one name to rename or merge."))
    if target in sources:
        raise NameRefused(
            _("'%(name)s' is both a name to merge and the name to merge into.") % {"name": target}
        )
    model = _name_model(kind)
    found = set(model.objects.filter(name__in=sources).values_list("name", flat=True))
    missing = _not_held_either(kind, [name for name in sources if name not in found], target)
    if missing:
        raise NameRefused(_("No %(kind)s is named %(names)s.") % {
            "kind": dict(KIND_CHOICES)[kind], "names": ", ".join(f"'{name}'" for name in missing),
        })
    merge = model.objects.filter(name=target).exists()
    episodes = []
    ids = _episodes_naming(kind, sources)
    for start in range(0, len(ids), _CHUNK):
        chunk = list(Episode.objects.filter(pk__in=ids[start:start + _CHUNK]).order_by("pk"))
        pending = {p.episode_id: p for p in PendingRevision.objects.filter(
            episode__in=chunk
        ).select_related("revision")}
        documents = load_documents(chunk)
        for episode in chunk:
            planned = _plan_episode(kind, sources, target, episode, documents[episode.pk])
            held_changes = pending.get(episode.pk)
            held_plan = held_changes and _plan_episode(
                kind, sources, target, episode, held.pending_document(held_changes)
            )
            if held_plan:
                planned = planned or _unchanged(episode, documents[episode.pk])
                planned = dataclasses.replace(planned, held=held_plan)
            if planned is not None:
                episodes.append(planned)
    return RenamePlan(kind, sources, target, merge, tuple(episodes))


def _not_held_either(kind: str, names: list[str], target: str) -> list[str]:
    """Those of ``names`` that no change held for review uses either: a name only a
    pending revision holds has no row yet, and is renamed all the same."""
    if not names:
        return names
    documents = [
        held.pending_document(pending)
        for pending in PendingRevision.objects.select_related("revision")
    ]
    return [
        name for name in names
        if not any(renamed_document(kind, (name,), target, document)[0] != document
                   for document in documents)
    ]


def _unchanged(episode: Episode, document) -> EpisodePlan:
    """The plan of an episode whose readers' version does not change (its held
    changes do)."""
    return EpisodePlan(
        episode_id=episode.pk, slug=episode.slug, title=episode.title,
        source_path=episode.source_path, version=episode.version, lines=(),
        after_text=render(document),
    )


def check_name(kind: str, name: str) -> None:
    """Refuse a new name that no file could hold as one name of this kind."""
    label = dict(KIND_CHOICES)[kind]
    if not name or not name.strip():
        raise NameRefused(_("Give the new %(kind)s name.") % {"kind": label})
    if name != name.strip():
        raise NameRefused(
            _("'%(name)s' begins or ends with a space; a file would not keep it.") % {"name": name}
        )
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in name):
        raise NameRefused(
            _("A name is one line: it may not hold a line break or a control character.")
        )
    if len(name) > _MAX_LENGTH:
        raise NameRefused(_("A name has at most %(count)d characters.") % {"count": _MAX_LENGTH})
    if kind == SPEAKER:
        if _NAME_LIST_SEPARATOR.search(name):
            raise NameRefused(_(
                "'%(name)s' holds a comma: the front matter's speaker and guest fields are "
                "comma-separated, so a file would read it back as several speakers."
            ) % {"name": name})
        if person_speaking(name) != name:
            raise NameRefused(_(
                "'%(name)s' reads back as a role label (such as Speaker A or 主持人) or a "
                "bracketed label, not as a person: turns would lose their speaker."
            ) % {"name": name})


def _name_model(kind: str):
    return Speaker if kind == SPEAKER else fields.ENTITY_KEYS[kind][0]


def _episodes_naming(kind: str, sources: tuple[str, ...]) -> list[int]:
    """The ids of episodes that may name a source (a superset; planning decides)."""
    if kind == SPEAKER:
        speaking = TurnRow.objects.filter(speaker__name__in=sources).values_list("episode_id", flat=True)
        labelled = TurnRow.objects.filter(
            speaker_label__in=[*sources, *(f"[{name}]" for name in sources)]
        ).values_list("episode_id", flat=True)
        appearing = Appearance.objects.filter(speaker__name__in=sources).values_list(
            "episode_id", flat=True
        )
        ids = set(speaking) | set(labelled) | set(appearing)
    else:
        _, link_model = fields.ENTITY_KEYS[kind]
        ids = set(link_model.objects.filter(tag__name__in=sources).values_list(
            "content_object_id", flat=True
        ))
    # A name only changes held for review hold is the episode's too: planning
    # reads every pending document (there are few).
    return sorted(ids | set(PendingRevision.objects.values_list("episode_id", flat=True)))


def _plan_episode(kind, sources, target, episode: Episode, document) -> EpisodePlan | None:
    labels = {}
    after, columns, names = renamed_document(kind, sources, target, document, labels)
    front_matter = after.front_matter
    lines = changed_lines(_parts(document), _parts(after))
    if not lines:
        return None
    after_text = render(after)
    _check_reads_back(kind, episode.source_path, front_matter, columns, names)
    return EpisodePlan(
        episode_id=episode.pk, slug=episode.slug, title=episode.title,
        source_path=episode.source_path, version=episode.version,
        lines=lines, after_text=after_text,
        labels=labels, columns=columns,
    )


def renamed_document(kind, sources, target, document, labels=None):
    """``document`` with ``sources`` renamed ``target``; with it the ``speaker`` and
    ``guest`` values that changed and the renamed entity list (None for a speaker).
    ``labels`` collects each turn label renamed, old to new."""
    front_matter, blocks = document.front_matter, document.blocks
    labels = {} if labels is None else labels
    columns, names = {}, None
    if kind == SPEAKER:
        for key in SPEAKER_KEYS:
            value = column_of(document, key)
            renamed = renamed_name_list(value, sources, target)
            if renamed != value:
                columns[key] = renamed
                front_matter = with_value(front_matter, key, fields.front_matter_value(key, renamed))
        blocks = tuple(_renamed_turn(block, sources, target, labels) for block in blocks)
    else:
        listed = fields.entity_names(front_matter.values)[kind]
        names = renamed_entity_list(listed, sources, target)
        if names != listed:
            front_matter = with_value(front_matter, kind, names)
    return dataclasses.replace(document, front_matter=front_matter, blocks=blocks), columns, names


def renamed_name_list(text: str, sources, target: str) -> str:
    """A comma-separated ``speaker``/``guest`` value with each source name replaced;
    the target, if it then appears twice, keeps its first place (and separator)."""
    parts = _NAME_LIST_SEPARATOR.split(text)
    kept, placed = [], False
    for index in range(0, len(parts), 2):
        part = parts[index]
        name = part.strip()
        if name in sources:
            part = part.replace(name, target, 1)
            name = target
        if name == target:
            if placed:
                continue
            placed = True
        if kept:
            kept.append(parts[index - 1])
        kept.append(part)
    return "".join(kept)


def renamed_entity_list(names: list[str], sources, target: str) -> list[str]:
    """The list with sources replaced by ``target``, which keeps its first place only."""
    merged = {*sources, target}
    renamed, placed = [], False
    for name in names:
        if name in merged:
            if placed:
                continue
            placed, name = True, target
        renamed.append(name)
    return renamed


def relabelled(label: str, target: str) -> str:
    """``label`` naming ``target`` instead, as written (``[Matt]`` -> ``[Ann]``)."""
    name = speaker_name(label)
    at = label.find(name)
    return label[:at] + target + label[at + len(name):]


def _renamed_turn(block, sources, target: str, labels: dict):
    if not isinstance(block, Turn) or not block.label or person_speaking(block.label) not in sources:
        return block
    new_label = relabelled(block.label, target)
    labels[block.label] = new_label
    renamed = dataclasses.replace(block, label=new_label, english=_renamed_original(
        block.english, sources, target
    ))
    if not reads_back(renamed):
        raise NameRefused(_(
            "'%(name)s' cannot be written as a speaker label: the file would read the "
            "turn labelled '%(label)s' back differently. A bold label (**Name**:) may "
            "not hold ** and has at most 80 characters; a plain label (Name: text) holds "
            "only letters, digits, spaces and . ' · - in at most five words."
        ) % {"name": target, "label": block.label})
    return renamed


def _renamed_original(english, sources, target: str):
    """The original, relabelled when it opens with the same bold label."""
    if english is None or not english.text:
        return english
    opening = paragraph_block(english.text)
    if (
        not isinstance(opening, Turn) or not opening.label_open
        or person_speaking(opening.label) not in sources
    ):
        return english
    text = (
        opening.label_open + relabelled(opening.label, target) + opening.label_close
        + opening.text
    )
    return edited(english, text=text)


def _check_reads_back(kind, path: str, front_matter, columns: dict, names) -> None:
    """Refuse when the written front matter would give other values than planned."""
    values = parse_front_matter(render_front_matter(front_matter))[0].values
    for key, value in columns.items():
        if fields.text_value(values.get(key)) != value:
            raise NameRefused(_("%(path)s: its %(key)s would read back as %(read)r, not %(value)r.") % {
                "path": path, "key": key,
                "read": fields.text_value(values.get(key)), "value": value,
            })
    if names is not None and fields.entity_names(values)[kind] != names:
        raise NameRefused(_("%(path)s: its %(key)s list would read back differently.") % {
            "path": path, "key": kind,
        })


def _parts(document) -> list[str]:
    """The file's text cut where its nodes meet: front matter, then each block."""
    return [render_front_matter(document.front_matter), *map(render_block, document.blocks)]


def changed_lines(before: list[str], after: list[str]) -> tuple[LineChange, ...]:
    """The lines that differ between two files given as parts (see ``_parts``), with
    their numbers in the file before. Only differing parts are compared, so the cost
    is the size of the change, not of the file; a merged list item that goes away
    shows with an empty ``after``."""
    changes, line = [], 1
    for was, now in itertools.zip_longest(before, after, fillvalue=""):
        if was != now:
            old, new = was.split("\n"), now.split("\n")
            matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    pairs = itertools.zip_longest(old[i1:i2], new[j1:j2], fillvalue="")
                    changes.extend(
                        LineChange(line + i1 + offset, a, b) for offset, (a, b) in enumerate(pairs)
                    )
        line += was.count("\n")
    return tuple(changes)


# Applying ------------------------------------------------------------------------------

def checked_plan(*, kind: str, sources, target: str, token: str) -> RenamePlan:
    """The plan, if it is still the one previewed as ``token``; else :class:`PlanChanged`."""
    plan = plan_rename(kind=kind, sources=sources, target=target)
    if plan.token != token:
        raise PlanChanged(_(
            "The archive changed since this preview was made (an episode was edited "
            "or imported); look at the new preview and confirm again."
        ))
    return plan


def apply_rename(*, kind: str, sources, target: str, by, token: str) -> RenamePlan:
    """Make the change previewed as ``token`` in this process, one episode per
    transaction; return its plan.

    Raises :class:`PlanChanged` (changing nothing) when the archive no longer gives
    that preview, and :class:`NameRefused` at the first episode whose file would not
    come out as previewed (that episode unchanged, those before it changed).
    """
    plan = checked_plan(kind=kind, sources=sources, target=target, token=token)
    for episode in plan.episodes:
        with transaction.atomic():
            apply_to_episode(plan, episode.episode_id, by=by, previewed=episode)
    with transaction.atomic():
        finish_rename(plan)
    return plan


def apply_to_episode(plan: RenamePlan, episode_id: int, *, by, previewed: EpisodePlan | None) -> bool:
    """Rename in one episode, its readers' version and its held changes alike (one
    edit, one revision: approved as it is made, the publisher saw its lines); whether
    anything changed. An episode saved since the preview takes the rename on its new
    text; one unchanged since must come out exactly as ``previewed``, else
    :class:`NameRefused` (the caller's transaction rolls it back)."""

    def change(document):
        after, columns, names = renamed_document(plan.kind, plan.sources, plan.target, document)
        if after != document:
            _check_reads_back(plan.kind, path, after.front_matter, columns, names)
        return after

    path = previewed.source_path if previewed else str(episode_id)
    try:
        edited = editing.edit(
            episode_id, change, by=by, summary=plan.summary, everywhere=True,
            expected_version=previewed.version if previewed else None,
        )
    except editing.EditConflict:
        return apply_to_episode(plan, episode_id, by=by, previewed=None)
    if previewed is not None and previewed.lines and edited.readers_text != previewed.after_text:
        raise NameRefused(_(
            "%(path)s: the file would not come out as previewed; nothing was changed."
        ) % {"path": previewed.source_path})
    return edited.changed


def finish_rename(plan: RenamePlan) -> None:
    """What follows the episodes' changes, once: turns pointed at a source by an
    editor follow the new name, and source names nothing uses any more go. Safe to
    run again."""
    if plan.kind == SPEAKER:
        target = ensure_speakers([plan.target])[plan.target]
        sources = Speaker.objects.filter(name__in=plan.sources)
        # Turns whose label names no one (Speaker A) but that an editor pointed at a
        # source: the link is not in the file, so it moves without a revision.
        TurnRow.objects.filter(speaker__in=sources).update(speaker=target)
        sources.filter(turns__isnull=True, appearance__isnull=True).delete()
    else:
        tag_model, _link_model = fields.ENTITY_KEYS[plan.kind]
        tag_model.objects.filter(name__in=plan.sources, links__isnull=True).delete()


# As a job ------------------------------------------------------------------------------

def start_rename_job(*, kind: str, sources, target: str, by, token: str):
    """Queue the change previewed as ``token``; returns its ``Job`` at once. Raises
    ``JobBusy`` while another merge or rename touching one of these names runs."""
    from editorial.jobs.models import Job
    from editorial.jobs.running import start_job

    check_name(kind, target)
    sources = list(dict.fromkeys(name for name in sources if name))
    return start_job(
        Job.Kind.NAMES, by=by,
        params={"kind": kind, "sources": sources, "target": target, "token": token},
        locks=[f"names:{kind}:{name}" for name in (*sources, target)],
    )


def run_rename_job(run) -> dict:
    """The job: check the preview, then each episode as an item of its own (so a
    resumed job changes none twice), then :func:`finish_rename` (which may run twice)."""
    params = run.params
    arguments = {"kind": params["kind"], "sources": params["sources"], "target": params["target"]}
    previewed: dict[int, EpisodePlan] = {}
    if "episodes" not in params:
        plan = checked_plan(**arguments, token=params["token"])
        previewed = {episode.episode_id: episode for episode in plan.episodes}
        run.plan(len(plan.episodes), episodes=list(previewed), merge=plan.merge)
    plan = RenamePlan(
        params["kind"], tuple(params["sources"]), params["target"], run.params["merge"], ()
    )
    done = run.done_keys()
    by = run.job.started_by
    paths = dict(Episode.objects.filter(pk__in=run.params["episodes"]).values_list("pk", "source_path"))
    for episode_id in run.params["episodes"]:
        key = f"episode:{episode_id}"
        if key in done:
            continue
        with run.item(key, paths.get(episode_id, key), failures=(NameRefused,)) as note:
            if episode_id not in paths or not apply_to_episode(
                plan, episode_id, by=by, previewed=previewed.get(episode_id)
            ):
                note.skipped(_("No longer names it."))
    with transaction.atomic():
        finish_rename(plan)
    return {"summary": plan.summary, "episodes": len(run.params["episodes"])}
