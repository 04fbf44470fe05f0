"""Searching the help topics and the FAQ: SQLite FTS5 where Python's sqlite3 has it, a word search otherwise.

The FTS5 index lives in its own in-memory sqlite3 database, built once from the help data (webapp/help):
it never touches the portal's database, so it works the same when DATABASE_URL is PostgreSQL.

Both engines answer the same question: the topics in one language where every word of the query begins a
word of the topic (title, section, summary, steps; question and answer for the FAQ), case and accents
ignored, best first (words in the title count more). A word of one or two letters other than the last
(the one being typed) must be a whole word: "PROCEED TO SUMMARY" does not mark every "total".

A query is read as words only (letters and digits), so FTS5 syntax (`"`, `NEAR(`, `*`, `OR`, column
filters) is just text; at most MAX_WORDS words of at most MAX_WORD letters from the first MAX_QUERY
characters are used.

Highlighting: the engines mark matched words in OUR text with two control characters, which `to_markup`
turns into <mark> after escaping everything else; nothing the visitor typed reaches the page unescaped.
"""

import re
import sqlite3
import threading
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

from webapp import help as content

MAX_QUERY = 200
MAX_WORDS = 8
MAX_WORD = 40
LIMIT = 20
OPEN, CLOSE = "\x02", "\x03"  # highlight markers: never in the help text (a test checks)
WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 28
SEARCH_SQL = ("SELECT topic, highlight(help, 2, ?, ?), snippet(help, 3, ?, ?, '…', ?) FROM help"
              " WHERE help MATCH ? AND language = ? ORDER BY bm25(help, 0, 0, 5.0, 1.0) LIMIT ?")


@dataclass(frozen=True)
class Hit:
    topic: content.Topic
    title: Markup
    snippet: Markup


def words(query: str) -> list[str]:
    """The words of a query, lower-cased (letters and digits only; anything else separates words)."""
    return [w[:MAX_WORD] for w in WORD.findall((query or "")[:MAX_QUERY].casefold())][:MAX_WORDS]


def terms(query: str) -> list[tuple[str, bool]]:
    """(word, is_prefix) for each word of the query: a prefix, except short words before the last."""
    found = words(query)
    return [(w, len(w) > 2 or n == len(found) - 1) for n, w in enumerate(found)]


def _matches(word: str, term: tuple[str, bool]) -> bool:
    text, prefix = term
    return word.startswith(text) if prefix else word == text


def to_markup(marked: str) -> Markup:
    """Text with highlight markers as HTML: escaped, each marked run in <mark>."""
    return escape(marked).replace(OPEN, Markup("<mark>")).replace(CLOSE, Markup("</mark>"))


def _fold(text: str) -> str:
    """Lower case without accents ("Pengesahan" and "pengesahán" read alike), as FTS5's unicode61 does."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5 (asked once)."""
    try:
        with closing(sqlite3.connect(":memory:")) as probe:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        return True
    except sqlite3.OperationalError:
        return False


class Fts5Index:
    """An FTS5 table in a private in-memory database; one connection, shared by threads under a lock."""

    engine = "fts5"

    def __init__(self, topics):
        self.topics = {t.id: t for t in topics}
        self.lock = threading.Lock()
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE help USING fts5(topic UNINDEXED, language UNINDEXED, title, body,"
                        " tokenize = 'unicode61 remove_diacritics 2')")
        self.db.executemany("INSERT INTO help VALUES (?, ?, ?, ?)", [
            (t.id, language, t.text(language).title, t.text(language).plain)
            for t in topics for language in content.LANGUAGES])
        self.db.commit()

    def search(self, query: str, language: str, limit: int = LIMIT) -> list[Hit]:
        found = terms(query)
        if not found:
            return []
        # every word needed, each one quoted (so FTS5 syntax is text), a prefix unless a short word
        match = " ".join('"{}"{}'.format(w.replace('"', '""'), "*" if prefix else "") for w, prefix in found)
        with self.lock:
            rows = self.db.execute(SEARCH_SQL, (OPEN, CLOSE, OPEN, CLOSE, SNIPPET_WORDS, match, language,
                                                limit)).fetchall()
        return [Hit(self.topics[topic], to_markup(title), to_markup(snippet)) for topic, title, snippet in rows]


class WordIndex:
    """The same search without FTS5: every query word must begin a word of the topic."""

    engine = "plain"

    def __init__(self, topics):
        self.entries = [(t, language, t.text(language).title, t.text(language).plain)
                        for t in topics for language in content.LANGUAGES]

    @staticmethod
    def _hits(text: str, wanted: list[tuple[str, bool]]) -> list[tuple[int, int]]:
        """(start, end) of each word of `text` that a term of the query matches."""
        return [(m.start(), m.end()) for m in WORD.finditer(text)
                if any(_matches(_fold(m.group()), term) for term in wanted)]

    @staticmethod
    def _mark(text: str, spans: list[tuple[int, int]]) -> str:
        out, last = [], 0
        for start, end in spans:
            out += [text[last:start], OPEN, text[start:end], CLOSE]
            last = end
        return "".join(out + [text[last:]])

    def _snippet(self, text: str, spans: list[tuple[int, int]], wanted: list[tuple[str, bool]]) -> str:
        """About SNIPPET_WORDS words of `text` where most of the query's words are, marked, with … where cut."""
        tokens = list(WORD.finditer(text))
        if not tokens:
            return ""
        starts = {start for start, _end in spans}
        hit_at = [i for i, m in enumerate(tokens) if m.start() in starts]

        def words_in(begin: int) -> int:  # how many of the query's words the window from `begin` shows
            shown = {_fold(tokens[i].group()) for i in hit_at if begin <= i < begin + SNIPPET_WORDS}
            return sum(any(_matches(w, term) for w in shown) for term in wanted)

        begin = max((max(0, i - SNIPPET_WORDS // 4) for i in hit_at), key=words_in, default=0)
        end = min(len(tokens), begin + SNIPPET_WORDS)
        lo = tokens[begin].start() if begin else 0
        hi = tokens[end - 1].end() if end < len(tokens) else len(text)
        inside = [(s - lo, e - lo) for s, e in spans if lo <= s and e <= hi]
        return ("…" if lo else "") + self._mark(text[lo:hi], inside) + ("…" if hi < len(text) else "")

    def search(self, query: str, language: str, limit: int = LIMIT) -> list[Hit]:
        wanted = [(_fold(w), prefix) for w, prefix in terms(query)]
        if not wanted:
            return []
        scored = []
        for order, (topic, lang, title, body) in enumerate(self.entries):
            if lang != language:
                continue
            folded = [_fold(m.group()) for m in WORD.finditer(f"{title}\n{body}")]
            if not all(any(_matches(w, term) for w in folded) for term in wanted):
                continue
            title_spans, body_spans = self._hits(title, wanted), self._hits(body, wanted)
            scored.append((-(5 * len(title_spans) + len(body_spans)), order, topic, title, title_spans,
                           body, body_spans))
        scored.sort(key=lambda s: s[:2])
        return [Hit(topic, to_markup(self._mark(title, title_spans)),
                    to_markup(self._snippet(body, body_spans, wanted)))
                for _score, _order, topic, title, title_spans, body, body_spans in scored[:limit]]


_indexes: dict[str, object] = {}
_build = threading.Lock()


def index(engine: str = "auto"):
    """The help index, built once per engine: "fts5", "plain", or "auto" (FTS5 when SQLite has it)."""
    if engine == "auto":
        engine = "fts5" if fts5_available() else "plain"
    with _build:
        if engine not in _indexes:
            kind = Fts5Index if engine == "fts5" else WordIndex
            _indexes[engine] = kind(content.topics())
        return _indexes[engine]


def search(query: str, language: str, engine: str = "auto", limit: int = LIMIT) -> list[Hit]:
    """The topics matching `query` in `language`, best first, with the matched words highlighted.

    An FTS5 error (it should not happen: queries are quoted words) falls back to the word search rather
    than fail the page.
    """
    chosen = index(engine)
    try:
        return chosen.search(query, language, limit)
    except sqlite3.Error:
        return index("plain").search(query, language, limit)
