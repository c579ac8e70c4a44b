"""Helpers for the editorial tests: read a rendered form back as the browser would
post it, and compare file texts line by line."""
from __future__ import annotations

import difflib
from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or tag == "template":
            return
        if tag == "input" and "name" in attrs:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button"}:
                self.fields.append([attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append([self._select, attrs.get("value", "")])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            if self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def read_form(html: str, form_id: str) -> list[list[str]]:
    """The (name, value) pairs a browser would post, in document order."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return [[name, value] for name, value in reader.fields]


class TranscriptForm:
    """The transcript editor's form as loaded, to change and post like an editor."""

    def __init__(self, client, episode):
        self.client, self.episode = client, episode
        self.url = reverse("admin:editorial_transcript", args=[episode.pk])
        response = client.get(self.url)
        assert response.status_code == 200, response.status_code
        self.fields = read_form(response.content.decode(), "transcript-form")

    @property
    def rows(self) -> list[str]:
        return [value for name, value in self.fields if name == "row"]

    def key(self, index: int) -> str:
        return self.rows[index].split(":")[0]

    def get(self, name: str) -> str:
        return next(value for field, value in self.fields if field == name)

    def set(self, name: str, value: str) -> None:
        for field in self.fields:
            if field[0] == name:
                field[1] = value
                return
        self.fields.append([name, value])

    def insert_after(self, index: int, key: str, **values) -> None:
        """Insert a new row (``n1`` turn, ``m1`` heading) after row ``index``."""
        rows = self.rows
        after = rows[index]
        at = max(i for i, (name, value) in enumerate(self.fields) if value == after and name == "row")
        # After the last field of that row.
        prefix = after.split(":")[0] + "-"
        while at + 1 < len(self.fields) and self.fields[at + 1][0].startswith(prefix):
            at += 1
        new = [["row", key]] + [[f"{key}-{name}", value] for name, value in values.items()]
        self.fields[at + 1:at + 1] = new

    def move(self, index: int, to: int) -> None:
        """Move row ``index`` so it is at ``to`` in the posted order."""
        groups, current = [], None
        for field in self.fields:
            if field[0] == "row":
                current = [field]
                groups.append(current)
            elif current is not None and field[0].split("-")[0] == current[0][1].split(":")[0]:
                current.append(field)
            else:
                groups.append([field])
        row_groups = [g for g in groups if g[0][0] == "row"]
        others = [g for g in groups if g[0][0] != "row"]
        row_groups.insert(to, row_groups.pop(index))
        self.fields = [f for g in others + row_groups for f in g]

    def data(self, action: str = "save") -> dict:
        posted: dict[str, list[str]] = {}
        for name, value in self.fields:
            posted.setdefault(name, []).append(value)
        posted["_action"] = [action]
        return posted

    def post(self, action: str = "save", **extra):
        """Post as the browser does: the form has no enctype, so it is urlencoded
        (the test client's default, multipart, costs seconds to parse at 1,000 rows)."""
        from urllib.parse import urlencode

        body = urlencode({**self.data(action), **extra}, doseq=True)
        return self.client.post(self.url, body, content_type="application/x-www-form-urlencoded")


def changed_lines(before: str, after: str) -> list[str]:
    """The +/- lines of a diff, without context."""
    return [
        line for line in difflib.unified_diff(
            before.splitlines(), after.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def framed_page(html: str) -> str:
    """The page a preview shows in its sandboxed frame (the ``srcdoc``), unescaped."""
    import html as html_module
    import re

    match = re.search(r'<iframe class="public-preview" sandbox [^>]*srcdoc="([^"]*)"', html)
    assert match, "the preview has no sandboxed frame"
    return html_module.unescape(match.group(1))
