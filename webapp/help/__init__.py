"""Help on every page: the QRG step each page implements, in Bahasa Melayu and English, and the FAQ.

The content is data (topics.toml, next to this module): one topic per QRG step, each with its endpoints, and
the frequently asked questions. This module reads it once and answers two questions:

- `topic_for(endpoint)`: the topic of a page, for the help link in the header (base.html). The rule:
  1. a topic that lists the endpoint in `endpoints` (exact Flask endpoint names; a test checks they exist);
  2. else the first topic, in the file's order, with a `patterns` entry (fnmatch) matching it: pages still
     being built (FPX, EFT, direct debit) get their topic as soon as they land, under any name that fits;
  3. else the topic that lists the endpoint's blueprint in `blueprints` (every `payment.*` page without a
     topic of its own gets PAYMENT's);
  4. else None. A page (a GET route that renders HTML) with no topic fails the test suite: add its
     endpoint to a topic, or to NOT_PAGES if it renders no page (a file, a block, a redirect).
- `text(topic, language)`: the topic's title, QRG section, summary and steps in that language.

No Flask here: the views and the search (webapp/help/search.py) use it.
"""

import re
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

DATA = Path(__file__).with_name("topics.toml")
LANGUAGES = ("ms", "en")
TOPIC_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LABEL = re.compile(r"\*\*(.+?)\*\*")
FILE_SUFFIXES = (".pdf", ".txt", ".csv")

# GET endpoints that render no page of their own: files, a block for htmx, a redirect.
NOT_PAGES = {
    "static",  # files
    "assets",  # fingerprinted static files, when present
    "public.language",  # switches the language and goes back (303)
    "contributions.totals",  # the totals block of the month's page (htmx); a plain request is sent there
    "officer.certificate",  # the uploaded SSM certificate (a file)
    "registration.document",  # an uploaded supporting document (a file)
    "officer_employers.document",  # the same, for officers
    "calculator.line",  # "How is this amount made?": a 303 to the calculator, filled in
    "payment.badge",  # the header's CART badge (htmx, refreshed by HX-Trigger)
}


@dataclass(frozen=True)
class Text:
    """A topic in one language. `steps` may mark button labels as **LABEL** (see `markup`)."""

    title: str
    section: str = ""
    summary: str = ""
    steps: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        """The button and menu labels the steps name, as the page shows them in this language."""
        return [label for step in self.steps for label in LABEL.findall(step)]

    @property
    def plain(self) -> str:
        """Everything but the title, without markup: what the search reads."""
        return "\n".join([self.section, self.summary, *(LABEL.sub(r"\1", step) for step in self.steps)])


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str  # "step" (a QRG step) or "faq"
    qrg: str
    texts: dict[str, Text]
    endpoints: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    blueprints: tuple[str, ...] = ()
    to_come: bool = False
    order: int = field(default=0, compare=False)

    def text(self, language: str) -> Text:
        return self.texts[language if language in self.texts else "ms"]


def _text(entry: dict, faq: bool) -> Text:
    if faq:
        return Text(title=entry["question"], summary=entry["answer"])
    return Text(title=entry["title"], section=entry["section"], summary=entry.get("summary", ""),
                steps=tuple(entry.get("steps", ())))


def _topic(entry: dict, kind: str, order: int) -> Topic:
    topic_id = entry["id"]
    if not TOPIC_ID.fullmatch(topic_id):
        raise ValueError(f"help topic id {topic_id!r}: lower-case letters, digits and hyphens only")
    missing = [language for language in LANGUAGES if language not in entry]
    if missing:
        raise ValueError(f"help topic {topic_id!r} has no text in {', '.join(missing)}")
    return Topic(id=topic_id, kind=kind, qrg=entry.get("qrg", ""), order=order,
                 texts={language: _text(entry[language], kind == "faq") for language in LANGUAGES},
                 endpoints=tuple(entry.get("endpoints", ())), patterns=tuple(entry.get("patterns", ())),
                 blueprints=tuple(entry.get("blueprints", ())), to_come=entry.get("to_come", False))


def load(text: str) -> tuple[Topic, ...]:
    """The topics and FAQ entries of a topics.toml text, checked (unique ids, both languages)."""
    data = tomllib.loads(text)
    entries = [("step", e) for e in data.get("topic", [])] + [("faq", e) for e in data.get("faq", [])]
    found = tuple(_topic(entry, kind, order) for order, (kind, entry) in enumerate(entries))
    ids = [t.id for t in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"help topic ids used twice: {duplicates}")
    return found


@cache
def topics() -> tuple[Topic, ...]:
    """Every topic then every FAQ entry, in the order of topics.toml (read once)."""
    return load(DATA.read_text(encoding="utf-8"))


@cache
def by_id() -> dict[str, Topic]:
    return {t.id: t for t in topics()}


def get(topic_id: str) -> Topic | None:
    return by_id().get(topic_id)


def steps() -> list[Topic]:
    """The QRG-step topics (not the FAQ), by QRG number; a page that is no QRG step (qrg "") goes with the
    topic before it in topics.toml."""
    keyed, number = [], 0
    for topic in topics():
        if topic.kind == "step":
            found = re.match(r"\d+", topic.qrg)
            number = int(found.group()) if found else number
            keyed.append(((number, topic.order), topic))
    return [topic for _key, topic in sorted(keyed, key=lambda pair: pair[0])]


def faq() -> list[Topic]:
    return [t for t in topics() if t.kind == "faq"]


@cache
def topic_for(endpoint: str | None) -> Topic | None:
    """The help topic of a page's endpoint, by the rule in the module docstring (None: no topic)."""
    if not endpoint:
        return None
    for topic in topics():
        if endpoint in topic.endpoints:
            return topic
    for topic in topics():
        if any(fnmatchcase(endpoint, pattern) for pattern in topic.patterns):
            return topic
    blueprint = endpoint.rpartition(".")[0]
    for topic in topics():
        if blueprint and blueprint in topic.blueprints:
            return topic
    return None


def built(topic: Topic, endpoints) -> bool:
    """Whether the pages of a topic exist among `endpoints` (a topic `to_come` may describe none yet)."""
    return not topic.to_come or bool(topic.endpoints) or any(
        fnmatchcase(endpoint, pattern) for endpoint in endpoints for pattern in topic.patterns)


def is_page(endpoint: str, rule: str, methods: set[str]) -> bool:
    """Whether a route renders a page that needs a help link: a GET that is not a file, block or redirect."""
    return "GET" in methods and endpoint not in NOT_PAGES and not rule.endswith(FILE_SUFFIXES)


def markup(step: str) -> Markup:
    """A step as HTML: the text escaped, each **LABEL** in <b> (a button's label, as the page shows it)."""
    parts = LABEL.split(step)  # text, label, text, label, ...
    return Markup("").join(Markup("<b>%s</b>") % part if index % 2 else escape(part)
                           for index, part in enumerate(parts))
