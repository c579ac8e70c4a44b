"""Small factory functions for tests: episodes from markdown strings, users in roles."""
from __future__ import annotations

import hashlib
import importlib
import itertools

from django.apps import apps
from django.contrib.auth.models import Group, User

from archive.codec import parse
from archive.content.store import save_document
from archive.content.turn_styles import style_ids, style_text
from archive.models import Episode, TurnStyle

_numbers = itertools.count(1)

# A short bilingual episode in the pipeline's usual shape (Style A originals).
BILINGUAL = """\
---
author: Test Cast
date: '2026-03-01'
guest: ''
layout: post.njk
source: https://www.youtube.com/watch?v=EDITORIAL01
speaker: Test Cast
tags:
  - databases
title: 编辑测试
summary: 一集用于编辑测试的节目。
insight: ''
draft: true
series: ''
category: ai-ml
area: tech-engineering
project: []
people:
  - Ada Park
companies_orgs:
  - Nvidia
products_models: []
media_books: []
status: evergreen
---
### 开场

**Speaker A**: 第一句话，谈到**TPU**。

<details>
<summary>Original English</summary>

**Speaker A**: The first sentence, about the **TPU**.

</details>

**Ada Park**: 第二句话，还有**Nvidia**。

<details>
<summary>Original English</summary>

**Ada Park**: The second sentence, and **Nvidia**.

</details>

**Speaker A**: 第三句话。

<details>
<summary>Original English</summary>

**Speaker A**: The third sentence.

</details>

### 第二节

**Ada Park**: 第四句话。

<details>
<summary>Original English</summary>

**Ada Park**: The fourth sentence.

</details>
"""


def episode_from_text(text: str = BILINGUAL, path: str | None = None) -> Episode:
    """An episode saved from ``text`` as import_markdown would, with the text's hash."""
    path = path or f"episode-{next(_numbers)}.md"
    return save_document(
        parse(text), source_path=path, slug=path.removesuffix(".md"),
        source_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def user_in(role: str | None, name: str | None = None, password: str | None = None) -> User:
    """A staff user in the group ``role`` (Editor, Publisher) or in none; without a
    password unless given (hashing one costs half a second)."""
    user = User.objects.create_user(
        name or f"{(role or 'nobody').lower()}-{next(_numbers)}", password=password,
        is_staff=True,
    )
    if role:
        user.groups.add(role_group(role))
    return user


def role_group(role: str) -> Group:
    """The group of ``role`` (Editor, Publisher), made again by the migration that
    makes it when a transactional test's flush emptied the table before this test."""
    if not Group.objects.filter(name=role).exists():
        importlib.import_module("editorial.migrations.0001_initial").create_groups(apps, None)
    return Group.objects.get(name=role)


# Public site ------------------------------------------------------------------------

def episode_markdown(
    *, title="测试节目", date="2026-01-01", draft=False, exclude=False, summary="",
    speaker="Test Cast", guest="", series="", area="tech-engineering", category="ai-ml",
    tags=(), people=(), companies=(), products=(), media=(), projects=(), sections=None,
    source="https://www.youtube.com/watch?v=PUBLIC00001",
) -> str:
    """The text of an episode file. ``sections`` is a list of ``(heading, turns)`` with
    turns as ``(label, chinese, english)``; a None heading gives turns before any
    heading, a None label narration, a None english no original."""
    import json

    def scalar(value):
        return json.dumps(value, ensure_ascii=False)

    def listing(values):
        return "".join(f"\n  - {scalar(value)}" for value in values) if values else " []"

    lines = [
        "---", f"title: {scalar(title)}", f"date: '{date}'", f"source: {scalar(source)}",
        f"speaker: {scalar(speaker)}", f"guest: {scalar(guest)}", f"summary: {scalar(summary)}",
        f"series: {scalar(series)}", f"area: {scalar(area)}", f"category: {scalar(category)}",
        f"draft: {'true' if draft else 'false'}", *(["exclude: true"] if exclude else []),
        f"tags:{listing(tags)}", f"people:{listing(people)}",
        f"companies_orgs:{listing(companies)}", f"products_models:{listing(products)}",
        f"media_books:{listing(media)}", f"project:{listing(projects)}",
        "status: evergreen", "---",
    ]
    body = []
    for heading, turns in sections if sections is not None else [("开场", [("Host", "你好。", "Hello.")])]:
        if heading is not None:
            body.append(f"### {heading}")
        for label, chinese, english in turns:
            body.append(f"**{label}**: {chinese}" if label else chinese)
            if english is not None:
                body.append(
                    f"<details>\n<summary>Original English</summary>\n\n{english}\n\n</details>"
                )
    return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"


def turn_style(**fields) -> TurnStyle:
    """The stored style of these style fields (none: a plain turn)."""
    text = style_text(fields)
    return TurnStyle.objects.get(pk=style_ids([text], {})[text])


def make_episode(path: str | None = None, **fields) -> Episode:
    """An episode saved from ``episode_markdown(**fields)`` at ``path`` (a relative
    path such as ``notes/--R5xlV9KHE.md``), slugged from its file name as the import
    slugs it."""
    from archive.content.slugs import is_url_safe, slug_for

    path = path or f"episode-{next(_numbers)}.md"
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    text = episode_markdown(**fields)
    return save_document(
        parse(text), source_path=path, slug=stem if is_url_safe(stem) else slug_for(stem),
        source_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
