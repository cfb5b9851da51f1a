"""Find people's names in text: captions, alt text, hashtags, @mentions, file names, metadata.

How it reads, in the order a careful reader would:
1. Phrases first: places, stories and events that contain names ("Victoria Park", "Jack
   and the Beanstalk", "May half term") are set aside; public figures and characters
   ("Harry Potter", "Julia Donaldson") become `public` mentions.
2. A title and what follows it is staff ("Mrs Patel", "Miss Ní Bhriain").
3. A given name from the lexicon (or the school's roster) followed by surname-like words is
   a `full` name; followed by an initial ("Isla B.") it is `first+context`; alone it is
   `first`. Given names that are also ordinary words (Will, May, Rose, Grace) need support:
   a cue before ("well done", "congratulations to"), a verb a person does after ("Rose
   painted"), another name in the same list, or a year group beside it.
4. A year group, class or team anywhere in the same text narrows a first name to
   `first+context`; a role word before a name makes it staff ("our headteacher Sarah
   Jones") or public ("author Michael Rosen").
Hashtags, @mentions and file names have no spaces, so they are split (CamelCase, separators,
and a dictionary split of all-lower runs: "#welldoneameliahughes") and read the same way,
with every hit's span pointing into the original text. Capital letters only count as a
signal in ordinary mixed-case text; in ALL CAPS, Title Case Headlines and all-lower text a
name must be backed by the lexicon or a cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scanner.analyse.name_lexicon import Lexicon, default_lexicon, fold
from scanner.model import MediaFacts, NameHit, NameKind, Post
from scanner.roster import Roster


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _cues(phrases: str) -> frozenset[tuple[str, ...]]:
    """'well done|thank you' -> {('well', 'done'), ('thank', 'you')}"""
    return frozenset(tuple(p.split()) for p in phrases.split("|"))


RARE_GIVEN = 5000
"""A famous surname given to fewer babies than this (Newton, Darwin) is the famous one."""
MIN_CONFIDENCE = 0.5
"""Hits below this are dropped: the finder says nothing rather than guess."""

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+|-[^\W\d_]+)*")
_TAG = re.compile(r"(?<![\w&])([#@])([^\W_][\w.]*\w|[^\W_])")
_CAMEL_WORD = re.compile(r"(?<![\w#@])(?:[A-Z][a-z]+){2,}(?![\w])")
_SENT_END = frozenset(".!?\n•;")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž]")
_LOWER = re.compile(r"[a-zß-öø-ÿā-ž]")
_NAME_GAP = re.compile(r"[ \t\u00a0]{1,3}|[ \t]*[_\-][ \t]*|")
_PHRASE_GAP = re.compile(r"[\s,_\-'’]{0,4}")
_LIST_GAP = re.compile(r"\s*(?:,|&|\+|/|,?\s+and|,?\s+or)\s*", re.I)

TITLES = _set("mr mrs ms miss mx dr rev revd reverend madame mme monsieur mlle prof professor")
PARTICLES = _set("mac mc o ó ni ní nic van von de da di del della le la bin bint ap")
PLACE_NOUNS = _set(
    "museum school church park zoo farm hospital centre center library theatre cinema "
    "academy gallery station stadium cathedral chapel"
)
PLACE_FIRST = _set("park common heath moor meadows gate cross bay lake")
"""Place words that, after a given name, are a place more often than a surname."""
PLACE_PREPS = _set("to at in visited visit near around of into towards outside inside")
ROYAL_TITLES = _set("king queen prince princess duke duchess lord lady")
ROYAL = _set("king queen prince princess lord lady duke duchess saint st")
STAFF_ROLES = _set(
    "headteacher headmaster headmistress head teacher caretaker governor governors chair ta "
    "assistant chef cook senco librarian receptionist nurse vicar pcso officer manager "
    "deputy principal director trustee coach lead administrator secretary bursar"
)
PUBLIC_ROLES = _set(
    "author illustrator poet novelist olympian astronaut footballer athlete singer mp mayor "
    "scientist explorer president minister artist composer"
)
PERSON_VERBS = _set(
    "won wins scored scores sang sings read reads wrote writes painted paints drew draws "
    "made makes baked bakes built builds brought brings showed shows helped helps ran runs "
    "came comes played plays got gets took takes found finds designed raised collected "
    "completed represented received receiving gained led leads shared taught spoke "
    "explained organised organized performed presented joined achieved earned swam jumped "
    "threw caught kicked danced lifted loved loves enjoyed enjoys learnt learned "
    "won gave gives said says told asked tried sang sat stood worked works "
    "created creates shows showing wearing wore holding held looks looked became becomes "
    "went scored tells thanks"
)
PERSON_NOUNS = _set(
    "mum dad mother father grandad grandma grandpa granny nan nana brother sister family "
    "parents auntie uncle cousin friend friends"
)
_CUES_BEFORE: frozenset[tuple[str, ...]] = _cues(
    "well done|congratulations|congrats|congratulation|thank you|thankyou|thanks|"
    "happy birthday|birthday|shout out|welcome|welcome back|good luck|proud of|goes to|"
    "go to|won by|led by|pictured|look at|meet|say hello|hello|dear|go|superstar|captain|"
    "bravo|effort|work|done|winner|winners|reader|writer|star|champion|player|"
    "mathematician|awarded|award|prize|by|love|miss|missed|remember|with|including|"
    "especially|played by|starring|featuring|featured|celebrating|welcoming|"
    "introducing|named|called|is|was"
)
_STRONG_CUES: frozenset[tuple[str, ...]] = _cues(
    "well done|congratulations|congrats|thank you|thanks|happy birthday|shout out|"
    "welcome back|good luck|proud of|goes to|won by|pictured|say hello|dear|go|especially|"
    "played by|starring|called|named|welcome"
)
_AMBIG_BLOCK = _set(
    "the a an this that these those at in into on of near visited visit via during until "
    "since your my every each some any no next last for from"
)
_CHARACTER_CUE = _set("as played was were dressed costume costumes by")
_CONTEXT = re.compile(
    r"\b(?:y|yr|year|years)\s?-?\s?(?:[1-9]|1[0-3])\b|\breception\b|\bnursery\b|"
    r"\bclass\s?\d\b|\b[1-9][a-z]\b|\b[a-z]+ class\b|\b(?:u|under)\s?-?\s?\d{1,2}s?\b|"
    r"\bteam\b|\bsquad\b|\bcaptain\b|\bform\s?\d",
    re.I,
)
_TITLE_WORDS = _set(
    "the and of in on for to at with from is are our your new day week year fun raised now "
    "open sale go goes tickets evening parents assembly festival donations winners "
    "announced tomorrow needed parade thursday friday monday be you"
)
_CONTEXT_AFTER = re.compile(
    r"\s*(?:\(|,)?\s*(?:(?:in|from)\s+)?(?:y\d|yr\s?\d|year\s?\d|reception\b|nursery\b|"
    r"class\s?\d|[1-9][A-Z]\b|[A-Z][a-z]+ [Cc]lass\b)",
    re.I,
)
_ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X{1,2})$")
_MONTHS = frozenset(
    ["january", "april", "may", "june", "july", "august", "september", "october", "november"]
)


@dataclass(slots=True)
class _Tok:
    text: str
    """The word as written, without a trailing possessive 's."""
    start: int
    end: int
    key: str
    """Folded word, for lexicon lookups."""
    pkey: str
    """Folded word including its possessive, for phrase lookups ("St Mary's")."""
    cap: bool
    upper: bool
    poss: bool
    sent: bool
    """First word of a sentence (its capital letter says nothing)."""


@dataclass(slots=True)
class _Cand:
    a: int
    """First token index."""
    b: int
    """One past the last token index."""
    kind: NameKind
    conf: float
    name: str
    end: int
    """End offset in the text (an initial's dot included)."""
    start: int = -1
    """Start offset in the text; -1 until set from the first token."""


def _display(word: str) -> str:
    """A word as a name is written: 'AMELIA' and 'amelia' -> 'Amelia', "O'BRIEN" ->
    "O'Brien"."""
    if word.isupper() or word.islower():
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), word)
    return word


class NameFinder:
    """Finds names in text. Stateless after loading, so one instance serves a whole scan.

    `roster` (the school's pupils) makes matches certain and finds names the lexicon lacks;
    `no_consent` marks mentions of pupils whose parents declined image consent.
    """

    def __init__(
        self,
        given: frozenset[str] | None = None,
        *,
        lexicon: Lexicon | None = None,
        roster: Roster | None = None,
        no_consent: Roster | None = None,
    ) -> None:
        self.lex = lexicon or default_lexicon()
        self.roster = roster
        self.no_consent = no_consent
        self._extra_given = frozenset(fold(g) for g in given) if given is not None else None
        rkeys: set[str] = set()
        lkeys: set[str] = set()
        for r in (roster, no_consent):
            if r is not None:
                rkeys.update(r.firsts)
                lkeys.update(r.lasts)
        self._roster_first = frozenset(rkeys)
        self._roster_last = frozenset(lkeys)
        self._vocab = self._compact_vocab()
        self._split = lru_cache(maxsize=8192)(self._split_run)

    # ------------------------------------------------------------ lexicon questions

    def _is_given(self, key: str) -> bool:
        if key in self._roster_first:
            return True
        if "-" in key:  # Ella-Rose, Anne-Marie, Jean-Luc
            parts = key.split("-")
            return all(p and self._is_given(p) for p in parts)
        if key in self.lex.stop:
            return False
        if self._extra_given is not None:
            return key in self._extra_given
        return key in self.lex.given

    def _is_surname(self, key: str) -> bool:
        if "-" in key:
            return any(self._is_surname(p) for p in key.split("-") if p)
        return key in self._roster_last or (
            key not in self.lex.stop
            and key not in self.lex.place_hard
            and (key in self.lex.surnames or key in self.lex.given)
        )

    def _ambiguous(self, key: str) -> bool:
        return key in self.lex.ambiguous

    def _compact_vocab(self) -> dict[str, float]:
        """Words a hashtag or file name may be made of, with a cost (lower = likelier)."""
        vocab: dict[str, float] = {}
        for w in self.lex.stop | self.lex.compact_words | self.lex.ambiguous:
            if w.isalpha() and len(w) >= 2:
                vocab[w] = 1.0
        for w, n in self.lex.given.items():
            if n >= 2000 and len(w) >= 3 and w.isalpha():
                vocab.setdefault(w, 1.2)
        for w, rank in self.lex.surnames.items():
            if rank <= 15000 and len(w) >= 4 and w.isalpha():
                vocab.setdefault(w, 1.4)
        for w in self._roster_first | self._roster_last:
            if w.isalpha():
                vocab[w] = 0.9
        return vocab

    # ------------------------------------------------------------ public interface

    def find(self, text: str, field: str, media: str | None = None) -> list[NameHit]:
        """Names in free text, hashtags, @mentions, or (field `file_name`) a file name."""
        if not text or not text.strip():
            return []
        context = bool(_CONTEXT.search(text))
        cands: list[_Cand] = []
        if field == "file_name" or field.endswith(":file_name"):
            stem = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", text)
            toks = self._compact_tokens(stem, 0, len(stem))
            cands = self._scan(toks, stem, "compact")
        else:
            masked = list(text)
            for m in _TAG.finditer(text):
                body_start = m.start(2)
                toks = self._compact_tokens(text, body_start, m.end(2))
                cands.extend(self._scan(toks, text, "compact"))
                masked[m.start() : m.end()] = " " * (m.end() - m.start())
            for m in _CAMEL_WORD.finditer(text):
                parts = self._camel(m.group(0))
                if len(parts) < 2 or masked[m.start()] == " ":
                    continue
                toks = self._compact_tokens(text, m.start(), m.end())
                cands.extend(self._scan(toks, text, "compact"))
                masked[m.start() : m.end()] = " " * (m.end() - m.start())
            plain = "".join(masked)
            toks = self._tokens(plain)
            cands.extend(self._scan(toks, plain, self._mode(plain, toks)))
        return self._hits(cands, text, field, media, context)

    def person(self, value: str, field: str, media: str | None = None) -> list[NameHit]:
        """A value that a platform or metadata field says is a person (XMP, tags, people)."""
        raw = value
        value = value.strip()
        if not value:
            return []
        offset = raw.index(value)
        found = self.find(value, field, media)
        if any(h.kind in (NameKind.STAFF, NameKind.PUBLIC) for h in found):
            return [_shift(h, offset) for h in found]
        words = [m.group(0) for m in _TOKEN.finditer(value)]
        # A handle is one CamelCase run ("OakfieldPTA", "JennyWright"): judge its words.
        words = [w[a:b] for w in words for a, b in self._camel(w)]
        keys = [fold(w) for w in words]
        if not words:
            return []
        org = any(k in self.lex.place_hard or k in ("pta", "ptfa", "primary") for k in keys)
        known = any(self._is_given(k) for k in keys)
        if org and not known:
            return []
        pupil = [h for h in found if h.kind is NameKind.FULL]
        if pupil and len(words) <= 4:
            kind = NameKind.FULL
        else:
            kind = NameKind.FULL if len(words) >= 2 else NameKind.FIRST
        conf = 0.95 if known else 0.8
        name = " ".join(_display(w) for w in words)
        hit = NameHit(
            field=field,
            start=offset,
            end=offset + len(value),
            name=name,
            kind=kind,
            confidence=conf,
            media=media,
        )
        return [self._enrich(hit, keys, False)]

    def names_in_post(
        self, post: Post, facts: Mapping[str, MediaFacts | None]
    ) -> tuple[NameHit, ...]:
        """Every name the post carries: its texts, tags, each media's texts and metadata."""
        hits: list[NameHit] = []
        for fld, text in post.texts.items():
            hits.extend(self.find(text, fld))
        for person in post.tagged:
            hits.extend(self.person(person, "tags"))
        for m in post.media:
            for fld, text in m.texts.items():
                hits.extend(self.find(text, fld, m.locator))
            for person in m.tagged:
                hits.extend(self.person(person, "tags", m.locator))
            f = facts.get(m.locator)
            if f is None:
                continue
            md = f.metadata
            for person in md.person_names:
                hits.extend(self.person(person, "metadata:person", m.locator))
            for fld, text in (("metadata:title", md.title), ("metadata:caption", md.description)):
                if text:
                    hits.extend(self.find(text, fld, m.locator))
            for kw in md.keywords:
                hits.extend(self.find(kw, "metadata:keywords", m.locator))
        return tuple(hits)

    # ------------------------------------------------------------ tokens

    @staticmethod
    def _tokens(text: str) -> list[_Tok]:
        toks: list[_Tok] = []
        append = toks.append
        prev_end = 0
        n = len(text)
        for m in _TOKEN.finditer(text):
            word = m.group(0)
            start, end = m.span()
            if start and text[start - 1].isdigit():
                continue  # 1st, 2nd, 5B
            full = word
            poss = False
            if word[-1] in "sS":
                if len(word) > 2 and word[-2] in "'’":
                    word = word[:-2]
                    end -= 2
                    poss = True
                elif end < n and text[end] in "'’":
                    poss = True
            first = word[0]
            key = fold(word)
            cap = first.isupper()
            append(
                _Tok(
                    word,
                    start,
                    end,
                    key,
                    fold(full) if poss else key,
                    cap,
                    cap and len(word) > 1 and word.isupper(),
                    poss,
                    not toks or not _SENT_END.isdisjoint(text[prev_end:start]),
                )
            )
            prev_end = m.end()
        return toks

    @staticmethod
    def _mode(text: str, toks: list[_Tok]) -> str:
        """How much capital letters say: normal text, ALL CAPS, Title Case, or all lower."""
        uppers = len(_UPPER.findall(text))
        if uppers == 0:
            return "lower"
        lowers = len(_LOWER.findall(text))
        if uppers + lowers >= 8 and uppers / (uppers + lowers) > 0.7:
            return "caps"
        # Title Case: the ordinary words (not the names) are capitalised mid-sentence.
        plain = [t.cap for t in toks if t.key in _TITLE_WORDS and not t.sent]
        if len(plain) >= 3 and sum(plain) / len(plain) >= 0.7:
            return "title"
        return "normal"

    def _compact_tokens(self, text: str, start: int, end: int) -> list[_Tok]:
        """Words of a hashtag, handle or file name, with offsets into `text`."""
        toks: list[_Tok] = []
        for m in re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text[start:end]):
            run, base = m.group(0), start + m.start()
            for a, b in self._camel(run):
                piece = run[a:b]
                key = fold(piece)
                if (piece.islower() or piece.isupper()) and len(key) >= 6 and key.isalpha():
                    for sa, sb in self._split(key):
                        if len(key) != len(piece):
                            sa, sb = 0, len(piece)  # folding changed the length: keep whole
                        toks.append(self._ctok(text, base + a + sa, base + a + sb))
                        if len(key) != len(piece):
                            break
                else:
                    toks.append(self._ctok(text, base + a, base + b))
        return toks

    @staticmethod
    def _ctok(text: str, start: int, end: int) -> _Tok:
        word = text[start:end]
        return _Tok(
            text=word,
            start=start,
            end=end,
            key=fold(word),
            pkey=fold(word),
            cap=True,
            upper=word.isupper() and len(word) > 1,
            poss=False,
            sent=False,
        )

    @staticmethod
    def _camel(run: str) -> list[tuple[int, int]]:
        """'WellDoneAmeliaHughes' -> spans of Well, Done, Amelia, Hughes ("McDonald" and
        "MacLeod" stay whole)."""
        cuts = [0]
        for i in range(1, len(run)):
            prev, cur = run[i - 1], run[i]
            if prev.islower() and cur.isupper():
                head = run[cuts[-1] : i]
                if head in ("Mc", "Mac", "O", "Fitz", "De", "Di", "Le", "La", "Van"):
                    continue
                cuts.append(i)
            elif prev.isupper() and cur.isupper() and i + 1 < len(run) and run[i + 1].islower():
                cuts.append(i)
        cuts.append(len(run))
        return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1) if cuts[i] < cuts[i + 1]]

    def _split_run(self, key: str) -> tuple[tuple[int, int], ...]:
        """Split an all-lower run into known words ('welldoneisla' -> well|done|isla),
        preferring few, common words; a run that is not made of known words stays whole."""
        n = len(key)
        vocab = self._vocab
        best: list[tuple[float, int]] = [(0.0, 0)] + [(1e9, 0)] * n
        for j in range(1, n + 1):
            cost_j, back_j = best[j - 1][0] + 3.0, j - 1  # one unknown letter
            for i in range(max(0, j - 20), j):
                c = vocab.get(key[i:j])
                if c is not None and best[i][0] + c < cost_j:
                    cost_j, back_j = best[i][0] + c, i
            best[j] = (cost_j, back_j)
        spans: list[tuple[int, int]] = []
        j = n
        while j > 0:
            i = best[j][1]
            spans.append((i, j))
            j = i
        spans.reverse()
        if any(key[a:b] not in vocab for a, b in spans):
            return ((0, n),)  # not made of known words ("violin"): keep it whole
        return tuple(spans)

    # ------------------------------------------------------------ reading

    def _scan(self, toks: list[_Tok], text: str, mode: str) -> list[_Cand]:
        n = len(toks)
        if not n:
            return []
        used = [False] * n
        cands: list[_Cand] = []
        self._phrases(toks, text, mode, used, cands)
        self._titles(toks, text, mode, used, cands)
        self._royals(toks, text, mode, used, cands)
        pending: list[_Cand] = []
        i = 0
        while i < n:
            if used[i] or not self._given_here(toks[i], mode):
                i += 1
                continue
            cand = self._name_at(toks, text, mode, i, used)
            if cand is None:
                i += 1
                continue
            pending.append(cand)
            i = cand.b
        self._judge(toks, text, mode, pending, cands)
        for c in cands:
            c.start = toks[c.a].start
        return cands

    def _given_here(self, t: _Tok, mode: str) -> bool:
        if mode == "normal" and not t.cap:
            return False
        if mode == "compact" and t.key in self.lex.compact_words:
            return t.key in self._roster_first
        if len(t.key) < 2:
            return False
        return self._is_given(t.key)

    def _adjacent(self, text: str, a: _Tok, b: _Tok, phrase: bool = False) -> bool:
        gap = text[a.end : b.start]
        if a.poss:
            return False
        if gap == "." and not a.sent and a.end - a.start > 1 and not b.sent:
            return True  # @amelia.hughes
        return bool((_PHRASE_GAP if phrase else _NAME_GAP).fullmatch(gap))

    def _match(
        self,
        index: Mapping[str, tuple[tuple[str, ...], ...]],
        toks: list[_Tok],
        text: str,
        i: int,
    ) -> int:
        """Length (in tokens) of the longest phrase of `index` starting at token i."""
        for phrase in index.get(toks[i].key, ()) or index.get(toks[i].pkey, ()):
            m = len(phrase)
            if i + m > len(toks):
                continue
            ok = True
            for k in range(m):
                t = toks[i + k]
                if phrase[k] not in (t.key, t.pkey):
                    ok = False
                    break
                if k and not (
                    _PHRASE_GAP.fullmatch(text[toks[i + k - 1].end : t.start])
                    or toks[i + k - 1].poss
                    and _PHRASE_GAP.fullmatch(text[toks[i + k - 1].end + 2 : t.start])
                ):
                    ok = False
                    break
            if ok:
                return m
        return 0

    def _phrases(
        self, toks: list[_Tok], text: str, mode: str, used: list[bool], cands: list[_Cand]
    ) -> None:
        n = len(toks)
        i = 0
        not_names, public = self.lex.not_names, self.lex.public
        while i < n:
            t = toks[i]
            if (
                t.key not in not_names
                and t.key not in public
                and t.pkey not in not_names
                and t.pkey not in public
            ):
                i += 1
                continue
            m = self._match(not_names, toks, text, i)
            p = self._match(public, toks, text, i)
            if p and p >= m:
                nxt = toks[i + p] if i + p < n else None
                longer = (
                    nxt is not None
                    and not toks[i + p - 1].poss
                    and self._adjacent(text, toks[i + p - 1], nxt)
                    and nxt.cap
                    and self._is_surname(nxt.key)
                    and nxt.key not in self.lex.ambiguous
                )
                single_ok = (
                    p > 1
                    or self._character_cue(toks, i)
                    or self.lex.given.get(toks[i].key, 0) < RARE_GIVEN
                ) and not (i and toks[i - 1].key in TITLES)
                place = (
                    nxt is not None
                    and self._adjacent(text, toks[i + p - 1], nxt)
                    and nxt.key in self.lex.place_hard
                    and nxt.key not in ("day", "week", "show")
                ) or (i and toks[i - 1].key == "the")
                if place and p > 1:
                    for k in range(i, i + p):
                        used[k] = True
                    i += p
                    continue
                if not longer and single_ok:
                    last = toks[i + p - 1]
                    cands.append(
                        _Cand(
                            a=i,
                            b=i + p,
                            kind=NameKind.PUBLIC,
                            conf=0.9,
                            name=" ".join(_display(t.text) for t in toks[i : i + p]),
                            end=last.end,
                        )
                    )
                    for k in range(i, i + p):
                        used[k] = True
                    i += p
                    continue
                if longer:
                    i += 1
                    continue
            if m and mode == "normal" and self._roster_phrase(toks, text, i, m):
                m = 0  # a pupil on the roster really is called "Victoria Park"
            if m:
                for k in range(i, i + m):
                    used[k] = True
                i += m
                continue
            i += 1

    def _roster_phrase(self, toks: list[_Tok], text: str, i: int, m: int) -> bool:
        if m < 2 or (i and toks[i - 1].key in _AMBIG_BLOCK | {"to"}):
            return False
        if not self._cue_after(toks, text, i + m, toks[i + m - 1].end):
            return False
        for r in (self.roster, self.no_consent):
            if r is not None and r.full(toks[i].key, toks[i + m - 1].key):
                return True
        return False

    @staticmethod
    def _character_cue(toks: list[_Tok], i: int) -> bool:
        """'dressed as Matilda', 'played Mary', 'came as Elsa', 'Elsa and Anna from Frozen'."""
        if i and toks[i - 1].key in _CHARACTER_CUE:
            return True
        if i >= 2 and toks[i - 1].key == "and" and toks[i - 2].key in ("mary", "elsa", "anna"):
            return True
        return (
            i + 3 < len(toks) + 1
            and i + 1 < len(toks)
            and toks[i + 1].key in ("and",)
            and i + 3 < len(toks)
            and toks[i + 3].key == "from"
        )

    def _titles(
        self, toks: list[_Tok], text: str, mode: str, used: list[bool], cands: list[_Cand]
    ) -> None:
        n = len(toks)
        for i, t in enumerate(toks):
            if used[i] or t.key not in TITLES or (mode == "normal" and not t.cap):
                continue
            if t.poss:
                continue
            j = i + 1
            parts: list[int] = []
            while j < n and len(parts) < 3 and not used[j]:
                u = toks[j]
                gap = text[toks[j - 1].end : u.start]
                if not re.fullmatch(r"\.?[ \t]{1,2}|[ \t]{1,2}", gap) and not (
                    mode == "compact" and gap in ("", "_", "-", ".")
                ):
                    break
                if mode == "normal" and not u.cap:
                    break
                if u.key in self.lex.stop and u.key not in PARTICLES:
                    break
                if u.key in TITLES:
                    break
                if (
                    parts
                    and mode != "normal"
                    and (u.key not in self.lex.surnames or u.key in self.lex.ambiguous)
                ):
                    break
                parts.append(j)
                j += 1
                if u.poss:
                    break
            while parts and toks[parts[-1]].key in PARTICLES:
                parts.pop()
            if not parts:
                continue
            title = t.text[:1].upper() + t.text[1:].lower()
            name = " ".join([title, *(_display(toks[k].text) for k in parts)])
            cands.append(
                _Cand(
                    a=i,
                    b=parts[-1] + 1,
                    kind=NameKind.STAFF,
                    conf=0.9,
                    name=name,
                    end=toks[parts[-1]].end,
                )
            )
            for k in range(i, parts[-1] + 1):
                used[k] = True

    def _royals(
        self, toks: list[_Tok], text: str, mode: str, used: list[bool], cands: list[_Cand]
    ) -> None:
        """'Prince George', 'King Charles III', 'Queen Victoria': public figures."""
        for i in range(len(toks) - 1):
            t, u = toks[i], toks[i + 1]
            if used[i] or used[i + 1] or t.key not in ROYAL_TITLES or t.poss:
                continue
            if (mode == "normal" and not (t.cap and u.cap)) or not self._adjacent(text, t, u):
                continue
            if not self._is_given(u.key):
                continue
            b = i + 2
            if b < len(toks) and _ROMAN.match(toks[b].text) and self._adjacent(text, u, toks[b]):
                b += 1
            name = " ".join(_display(x.text) for x in toks[i:b])
            cands.append(
                _Cand(a=i, b=b, kind=NameKind.PUBLIC, conf=0.8, name=name, end=toks[b - 1].end)
            )
            for k in range(i, b):
                used[k] = True

    def _surname_ok(self, u: _Tok, mode: str, first_lower: bool = True) -> bool:
        if len(u.key) < 2 or u.key in self.lex.stop or u.key in self.lex.place_hard:
            return False
        if u.key in self._roster_last:
            return True
        if mode == "compact" and u.key in self.lex.compact_words:
            return False
        if mode == "compact" and u.text.islower() and not first_lower:
            return False  # "Albie_hedge": the name is capitalised, the next word is not
        if mode == "normal":
            if not u.cap or u.key in TITLES:
                return False
            # an acronym (PTA, FC) is no surname
            return not (u.upper and len(u.key) <= 3 and u.key not in self.lex.surnames)
        if "-" in u.key:
            return any(self._surname_ok(_sub(u, p), mode) for p in u.key.split("-") if p)
        rank = self.lex.surnames.get(u.key)
        # "mia" in "lucas_mia" is a second first name, not a surname
        return rank is not None and (rank <= 2000 or self.lex.given.get(u.key, 0) < 10000)

    def _name_at(
        self, toks: list[_Tok], text: str, mode: str, i: int, used: list[bool]
    ) -> _Cand | None:
        """The longest name starting at token i: given [given] [particle] surname, or an
        initial, or the given name alone."""
        n = len(toks)
        parts = [i]
        j = i + 1
        initial_end = 0
        while j < n and len(parts) < 4 and not used[j]:
            prev, u = toks[j - 1], toks[j]
            if prev.poss or not self._adjacent(text, prev, u):
                break
            if (
                u.key in PARTICLES
                and j + 1 < n
                and self._surname_ok(toks[j + 1], mode)
                and (mode != "normal" or u.text[:1].isupper() or u.key in ("van", "von", "de"))
            ):
                parts.extend([j, j + 1])
                j += 2
                continue
            if (
                len(u.text) == 1
                and u.text.isupper()
                and u.text != "I"
                and (mode == "normal" or mode == "compact")
            ):
                after = text[u.end : u.end + 1]
                if after in (".", "") or not after.isalnum():
                    initial_end = u.end + (1 if after == "." else 0)
                    parts.append(j)
                    j += 1
                break
            if _ROMAN.match(u.text) and u.text.isupper():
                break
            if not self._surname_ok(u, mode, toks[i].text.islower()):
                break
            parts.append(j)
            j += 1
        first = toks[i]
        if initial_end:
            words = [_display(toks[k].text) for k in parts[:-1]]
            name = " ".join([*words, toks[parts[-1]].text + "."])
            return _Cand(
                a=i,
                b=parts[-1] + 1,
                kind=NameKind.FIRST_CONTEXT,
                conf=0.85,
                name=name,
                end=initial_end,
            )
        if len(parts) > 1:
            last = toks[parts[-1]]
            return _Cand(
                a=i,
                b=parts[-1] + 1,
                kind=NameKind.FULL,
                conf=0.9,
                name=" ".join(_display(toks[k].text) for k in parts),
                end=last.end,
            )
        return _Cand(
            a=i, b=i + 1, kind=NameKind.FIRST, conf=0.8, name=_display(first.text), end=first.end
        )

    # ------------------------------------------------------------ judging candidates

    def _cue_before(self, toks: list[_Tok], text: str, a: int, strong: bool) -> bool:
        cues = _STRONG_CUES if strong else _CUES_BEFORE
        if a == 0 or toks[a].sent:
            return False
        keys: list[str] = []
        k = a - 1
        while k >= 0 and len(keys) < 3:
            keys.insert(0, toks[k].key)
            if toks[k].sent:
                break
            k -= 1
        if keys and keys[-1] == "to" and len(keys) > 1:
            keys = keys[:-1]
        return any(len(keys) >= size and tuple(keys[-size:]) in cues for size in (2, 1))

    def _cue_after(self, toks: list[_Tok], text: str, b: int, end: int) -> bool:
        after = text[end : end + 12]
        if re.match(r"\s*!|\s*,\s*you\b|\s*,\s*who\b", after) or self._context_after(text, end):
            return True
        if b - 1 >= 0 and toks[b - 1].poss and b < len(toks) and toks[b].key in PERSON_NOUNS:
            return True
        if b < len(toks):
            nxt = toks[b]
            if text[end : nxt.start].strip() not in ("",):
                return False
            if not nxt.cap and (
                nxt.key in PERSON_VERBS
                or (len(nxt.key) > 4 and nxt.key.endswith("ed") and not nxt.key.endswith("eed"))
            ):
                return True
            if (
                nxt.key == "and"
                and b + 1 < len(toks)
                and toks[b + 1].key in ("her", "his", "their", "dad", "mum")
            ):
                return True
            if nxt.key in ("has", "had") and b + 1 < len(toks) and toks[b + 1].key in PERSON_VERBS:
                return True  # "Jasmine has raised" (but not "Summer has arrived")
            if nxt.key in ("in", "from") and self._context_after(text, end):
                return True
        return False

    @staticmethod
    def _context_after(text: str, end: int) -> bool:
        """'Amelia in Y5', 'Harry from Oak Class', 'Max (Year 2)'."""
        return bool(_CONTEXT_AFTER.match(text, end))

    def _blocked(self, toks: list[_Tok], text: str, c: _Cand, ambiguous: bool, mode: str) -> bool:
        """Context that says these words are not a person here."""
        a, b = c.a, c.b
        prev = toks[a - 1] if a and not toks[a].sent else None
        nxt = toks[b] if b < len(toks) else None
        if prev is not None and not prev.poss:
            if prev.key in ("the", "a", "an") or prev.key in ("st", "saint"):
                return True
            if prev.key in ROYAL and prev.cap:
                return True
            if (
                mode == "normal"
                and prev.cap
                and not prev.upper
                and self._adjacent(text, prev, toks[a])
                and prev.key not in TITLES
                and (prev.key,) not in _CUES_BEFORE
                and (prev.key in self.lex.stop or not self._is_given(prev.key))
            ):
                return True  # The Royal Navy, Hull City Council
        if nxt is not None and (text[c.end : nxt.start].strip() == "" or toks[b - 1].poss):
            if nxt.key in self.lex.place_hard and (nxt.cap or nxt.key in PLACE_NOUNS):
                return True  # Jack Hunt School, Eden Camp museum
            if nxt.key in ("class", "classes", "house", "road", "street", "school"):
                return True
            if toks[b - 1].poss and nxt.cap and not self._is_given(nxt.key):
                return True  # Jack's Pizza, Ella's Kitchen
            if (
                nxt.key == "and"
                and b + 2 < len(toks)
                and toks[b + 1].key == "the"
                and toks[b + 2].cap
            ):
                return True  # Peter and the Wolf, James and the Giant Peach
        if ambiguous:
            if prev is not None and prev.key in _AMBIG_BLOCK and self._context_after(text, c.end):
                return False
            if prev is not None and prev.key in _AMBIG_BLOCK:
                if prev.key in ("to", "for", "from", "by") and self._cue_before(
                    toks, text, a - 1, strong=True
                ):
                    return False
                return not (prev.key == "to" and self._cue_before(toks, text, a, strong=True))
            if toks[a].key in _MONTHS and re.search(
                r"\d", text[max(0, toks[a].start - 6) : toks[a].start] + text[c.end : c.end + 6]
            ):
                return True
        return False

    def _judge(
        self,
        toks: list[_Tok],
        text: str,
        mode: str,
        pending: list[_Cand],
        out: list[_Cand],
    ) -> None:
        accepted: list[_Cand] = []
        waiting: list[_Cand] = []
        for c in pending:
            verdict = self._verdict(toks, text, mode, c)
            if verdict is None:
                continue
            if verdict.conf >= MIN_CONFIDENCE:
                accepted.append(verdict)
            else:
                waiting.append(verdict)
        # A doubtful name in a list of sure ones is a name too ("Summer and Jade ran").
        changed = True
        while changed and waiting:
            changed = False
            for c in list(waiting):
                if any(self._listed(toks, text, c, o) for o in accepted):
                    c.conf = 0.7
                    accepted.append(c)
                    waiting.remove(c)
                    changed = True
        # A list of doubtful names followed by a person's verb: all of them.
        for c in waiting:
            group = [c] + [o for o in waiting if o is not c and self._listed(toks, text, c, o)]
            last = max(group, key=lambda g: g.b)
            if len(group) > 1 and self._cue_after(toks, text, last.b, last.end):
                c.conf = 0.7
                accepted.append(c)
        publics = [o for o in out if o.kind is NameKind.PUBLIC]
        for c in accepted:
            self._role(toks, c)
            if (
                c.kind is NameKind.FIRST
                and (toks[c.a].key,) in self.lex.public.get(toks[c.a].key, ())
                and any(self._listed(toks, text, c, o) for o in publics)
            ):
                c.kind = NameKind.PUBLIC  # "Harry Potter, Matilda and the Gruffalo"
        out.extend(accepted)

    def _listed(self, toks: list[_Tok], text: str, c: _Cand, o: _Cand) -> bool:
        if o.b <= c.a:
            return bool(_LIST_GAP.fullmatch(text[o.end : toks[c.a].start]))
        if c.b <= o.a:
            return bool(_LIST_GAP.fullmatch(text[c.end : toks[o.a].start]))
        return False

    def _verdict(self, toks: list[_Tok], text: str, mode: str, c: _Cand) -> _Cand | None:
        first = toks[c.a]
        amb = self._ambiguous(first.key)
        if self._blocked(toks, text, c, amb, mode):
            return None
        roster_first = first.key in self._roster_first
        cue = self._cue_before(toks, text, c.a, strong=False) or self._cue_after(
            toks, text, c.b, c.end
        )
        strong = self._cue_before(toks, text, c.a, strong=True)
        if c.kind is NameKind.FULL:
            last = toks[c.b - 1]
            soft = last.key in self.lex.place_soft
            backed = last.key in self.lex.surnames or last.key in self._roster_last
            if self._roster_full(toks, c):
                c.conf = 0.99
                return c
            went = c.a > 0 and toks[c.a - 1].key in PLACE_PREPS  # "trip to Windsor Castle"
            if soft and not (cue or strong) and (amb or went or last.key in PLACE_FIRST):
                return self._as_first(toks, text, mode, c)  # Victoria Park, Stanley Park
            if mode == "normal":
                if amb and not backed and not (cue or strong):
                    return self._as_first(toks, text, mode, c)
                if first.sent and amb and not (cue or strong):
                    c.conf = 0.55 if backed else 0.4
                return c
            if mode == "title" and not (cue or strong) and (amb or not backed):
                return None
            if amb and not (cue or strong):
                c.conf = 0.45
            else:
                c.conf = 0.85 if backed else 0.6
            return c
        if c.kind is NameKind.FIRST_CONTEXT:
            return c
        # a first name alone
        if mode == "normal":
            if not amb:
                c.conf = 0.75 if first.sent else 0.85
                if first.upper:
                    c.conf = 0.6
                return c
            if strong or cue:
                c.conf = 0.75
                return c
            if roster_first and not first.sent:
                c.conf = 0.7
                return c
            c.conf = 0.3
            return c
        if mode == "compact":
            if amb and not (cue or strong or self._compact_context(toks, c)):
                c.conf = 0.3
                return c
            c.conf = 0.75
            return c
        # caps, title or lower: capitals say nothing, so the words around must
        if strong or (cue and not amb):
            c.conf = 0.75
            return c
        if mode == "title" and not amb and self.lex.given.get(first.key, 0) >= 5000:
            c.conf = 0.6
            return c
        c.conf = 0.3
        return c

    def _compact_context(self, toks: list[_Tok], c: _Cand) -> bool:
        keys = {t.key for t in toks}
        return bool(keys & {"y1", "y2"}) or any(
            re.fullmatch(r"y\d|yr\d|year\d", t.key) for t in toks
        )

    def _as_first(self, toks: list[_Tok], text: str, mode: str, c: _Cand) -> _Cand | None:
        """A 'full name' that is really a place or a thing: judge its first word alone."""
        first = toks[c.a]
        alone = _Cand(
            a=c.a,
            b=c.a + 1,
            kind=NameKind.FIRST,
            conf=0.8,
            name=_display(first.text),
            end=first.end,
        )
        nxt = toks[c.a + 1]
        if nxt.key in self.lex.place_soft or nxt.key in self.lex.place_hard:
            return None
        return self._verdict(toks, text, mode, alone) if alone.b != c.b else None

    def _roster_full(self, toks: list[_Tok], c: _Cand) -> bool:
        for r in (self.roster, self.no_consent):
            if r is not None and r.full(toks[c.a].key, toks[c.b - 1].key):
                return True
        return False

    def _role(self, toks: list[_Tok], c: _Cand) -> None:
        """'our headteacher Sarah Jones' is staff; 'author Julia Donaldson' is public."""
        if c.kind is NameKind.PUBLIC or c.kind is NameKind.STAFF:
            return
        k = c.a - 1
        if k < 0 or toks[c.a].sent:
            return
        key = toks[k].key
        if key in STAFF_ROLES and key not in ("head", "lead", "captain"):
            c.kind = NameKind.STAFF
        elif key in PUBLIC_ROLES:
            c.kind = NameKind.PUBLIC

    # ------------------------------------------------------------ output

    def _hits(
        self,
        cands: Sequence[_Cand],
        text: str,
        field: str,
        media: str | None,
        context: bool,
    ) -> list[NameHit]:
        hits: list[NameHit] = []
        for c in cands:
            if c.conf < MIN_CONFIDENCE:
                continue
            kind = c.kind
            if kind is NameKind.FIRST and context:
                kind = NameKind.FIRST_CONTEXT
            hit = NameHit(
                field=field,
                start=c.start,
                end=c.end,
                name=c.name,
                kind=kind,
                confidence=round(c.conf, 2),
                media=media,
            )
            if kind in (NameKind.FULL, NameKind.FIRST_CONTEXT, NameKind.FIRST):
                words = c.name.split()
                hit = self._enrich(hit, [fold(w.rstrip(".")) for w in words], context, text)
            hits.append(hit)
        hits.sort(key=lambda h: h.start)
        return hits

    def _enrich(self, hit: NameHit, keys: list[str], context: bool, text: str = "") -> NameHit:
        """Mark roster and no-consent matches; a roster match makes the name certain."""
        if not keys or (self.roster is None and self.no_consent is None):
            return hit
        first = keys[0]
        last = keys[-1] if len(keys) > 1 else ""
        year = _year_near(text, hit.start, hit.end) if text else ""

        def match(r: Roster | None) -> tuple[int, ...]:
            if r is None:
                return ()
            if last and len(last) == 1:
                return r.with_initial(first, last)
            if last:
                return r.full(first, last)
            found = r.by_first(first)
            if year:
                return r.in_year(found, year) or found
            return found

        in_roster = match(self.roster)
        in_nc = match(self.no_consent)
        roster = bool(in_roster or in_nc)
        no_consent = bool(in_nc)
        if no_consent and not last and self.roster is not None:
            # A first name alone is that pupil only if no consenting pupil shares it.
            nc_names = {
                (fold(self.no_consent.pupils[i].first), fold(self.no_consent.pupils[i].last))
                for i in in_nc
            }
            others = [
                i
                for i in in_roster
                if (fold(self.roster.pupils[i].first), fold(self.roster.pupils[i].last))
                not in nc_names
            ]
            no_consent = not others
        conf = hit.confidence
        if roster:
            conf = 0.99 if last else max(conf, 0.9)
        if no_consent and not last and self.roster is None:
            conf = min(conf, 0.85)  # no roster to say no other pupil shares the first name
        if not roster and not no_consent:
            return hit
        return NameHit(
            field=hit.field,
            start=hit.start,
            end=hit.end,
            name=hit.name,
            kind=hit.kind,
            confidence=conf,
            roster=roster,
            no_consent=no_consent,
            media=hit.media,
        )


def _sub(t: _Tok, key: str) -> _Tok:
    return _Tok(
        text=key,
        start=t.start,
        end=t.end,
        key=key,
        pkey=key,
        cap=t.cap,
        upper=t.upper,
        poss=False,
        sent=t.sent,
    )


def _year_near(text: str, start: int, end: int) -> str:
    m = re.search(
        r"\b(?:y|yr|year)\s?-?\s?(\d{1,2})\b|\b(reception)\b|\b(nursery)\b",
        text[max(0, start - 30) : end + 30],
        re.I,
    )
    if not m:
        return ""
    if m.group(1):
        return str(int(m.group(1)))
    return "R" if m.group(2) else "N"


def _shift(hit: NameHit, offset: int) -> NameHit:
    if not offset:
        return hit
    return NameHit(
        field=hit.field,
        start=hit.start + offset,
        end=hit.end + offset,
        name=hit.name,
        kind=hit.kind,
        confidence=hit.confidence,
        roster=hit.roster,
        no_consent=hit.no_consent,
        media=hit.media,
    )


def shorten(name: str) -> str:
    """'Amelia Hughes' -> 'Amelia H.'; staff keep their title ('Mrs Patel' -> 'Mrs P.').

    Only the first word and the last word's initial stay, so a middle name or a
    double-barrelled surname never leaks ('Olivia Amelia Grant' -> 'Olivia G.')."""
    parts = name.split()
    if len(parts) < 2:
        return name
    last = parts[-1]
    if len(last) <= 2 and last.endswith("."):
        return f"{parts[0]} {last}"
    return f"{parts[0]} {last[0]}."


def unique_names(hits: Iterable[NameHit]) -> list[str]:
    return list(dict.fromkeys(h.name for h in hits))
