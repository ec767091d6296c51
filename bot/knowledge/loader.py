"""Load theses and intents from folders of YAML; every problem names its file, line and field.

At run time a broken file is reported and skipped, so one bad thesis never takes the others down;
`thesis validate` prints the same problems and exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from bot.knowledge.checks import check_thesis
from bot.knowledge.models import INTENTS, Concept, Concepts, IntentSpec, Thesis, Vocabulary
from bot.knowledge.yaml_lines import DuplicateKey, Path_, Refused, line_of, load_with_lines

M = TypeVar("M", bound=BaseModel)
Loc = tuple[Any, ...]  # pydantic's location of an error: field names, list indexes, labels
VOCABULARY_FILE = "vocabulary.yaml"
CONCEPTS_FILE = "concepts.yaml"
MAX_FILE_BYTES = 1_000_000  # a thesis is ~20 kB; anything this big is a mistake or an attack


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass
class Knowledge:
    theses: dict[str, Thesis] = field(default_factory=dict)
    intents: dict[str, IntentSpec] = field(default_factory=dict)
    vocabulary: Vocabulary | None = None
    concepts: dict[str, Concept] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # ticker -> (file, path -> line): where each loaded thesis was written, for advice.
    files: dict[str, tuple[str, dict[Path_, int]]] = field(default_factory=dict)


class KnowledgeDirError(Exception):
    """The folder itself is missing or unreadable: nothing can be answered."""


class PassingFault(Exception):
    """The system is out of a resource the read needs (too many open files): nothing is wrong
    with the folder or its files, and the same read succeeds once the condition passes. Never
    a problem of a file, never a reason to reload."""


# Out of file descriptors (this process's, or the system's) or of kernel memory for them.
_PASSING = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS})


def _raise_if_passing(exc: OSError) -> None:
    if exc.errno in _PASSING:
        raise PassingFault(exc.strerror or str(exc)) from exc


def yaml_files(folder: Path) -> list[Path]:
    """Every *.yaml / *.yml name in `folder`, whatever it is: one that is not a readable
    regular file is reported by the loader, never silently skipped."""
    if not folder.is_dir():
        raise KnowledgeDirError(f"{folder} is not a readable folder")
    try:
        return sorted((p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")),
                      key=lambda p: p.name)  # as Path's own order, without its cost
    except OSError as exc:
        _raise_if_passing(exc)
        raise KnowledgeDirError(f"{folder} cannot be read ({exc.strerror})") from exc


class Unreadable(Exception):
    """A knowledge file that is not a regular file, too large, or cannot be opened."""


def read_yaml_file(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of `path`, which must be a regular UTF-8 file of at most `limit` bytes.

    Never blocks and never reads more than `limit` + 1 bytes, whatever `path` is: a FIFO, a
    device such as /dev/zero, a folder or a dangling link is refused before it is read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise Unreadable("is a link to a file that does not exist; remove it or fix the link"
                         ) from None
    except OSError as exc:
        _raise_if_passing(exc)
        raise Unreadable(f"cannot be read ({exc.strerror})") from None
    _check_regular(info, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        _raise_if_passing(exc)
        raise Unreadable(f"cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        _check_regular(os.fstat(fd), limit)  # it may have been swapped since the stat
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(_too_large(len(data), limit))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _check_regular(info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise Unreadable("is a folder, not a YAML file; rename it so it does not end in .yaml")
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("is not a regular file (a FIFO, device or socket); "
                         "replace it with a YAML file")
    if info.st_size > limit:
        raise Unreadable(_too_large(info.st_size, limit))


def _too_large(size: int, limit: int) -> str:
    return (f"is {size:,} bytes, more than the {limit:,} a knowledge file may have; "
            "split it or remove what does not belong")




def _field(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _loc_path(loc: tuple[Any, ...], lines: dict[Path_, int]) -> Path_:
    """Pydantic's loc minus its union/constraint labels, kept to what the YAML has."""
    path: Path_ = ()
    for index, part in enumerate(loc):
        candidate = (*path, part)
        if candidate in lines or (index == len(loc) - 1 and isinstance(part, str)):
            path = candidate
    return path


def _parse(path: Path, model: type[M], problems: list[Problem]
           ) -> tuple[M | None, dict[Path_, int]]:
    name = str(path)
    try:
        text = read_yaml_file(path)
    except Unreadable as exc:
        problems.append(Problem(name, 1, "(file)", str(exc)))
        return None, {}
    return parse_text(text, name, model, problems)


def thesis_text_problems(text: str, name: str) -> list[Problem]:
    """Why the loader would refuse `text` written as the thesis file `name` (none if it would
    load): its size, its YAML, its fields and the checks of one thesis. For writers (`thesis
    import`) that must never write a file the bot cannot read."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        return [Problem(name, 1, "(file)", _too_large(size, MAX_FILE_BYTES))]
    problems: list[Problem] = []
    thesis, lines = parse_text(text, name, Thesis, problems)
    if thesis is not None:
        problems += [Problem(name, line_of(lines, loc), _field(loc), message)
                     for loc, message in check_thesis(thesis)]
    return problems


def parse_text(text: str, name: str, model: type[M], problems: list[Problem]
               ) -> tuple[M | None, dict[Path_, int]]:
    """`text` (of the file called `name`) as a `model`, or None with what is wrong with it
    added to `problems`, each at its line: the fields alone, not the cross-field checks."""
    try:
        data, lines = load_with_lines(text)
    except (RecursionError, MemoryError, ValueError) as exc:  # bounded above; belt and braces
        problems.append(Problem(name, 1, "(file)", f"cannot be loaded ({type(exc).__name__})"))
        return None, {}
    except DuplicateKey as exc:
        problems.append(Problem(name, exc.line, _field(exc.path), f"{exc}; keep one of them"))
        return None, {}
    except Refused as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        problems.append(Problem(name, line, "(file)", str(exc.problem)))
        return None, {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, line, "(file)", f"is not valid YAML: {reason}"))
        return None, {}
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, "(file)", "must be a YAML mapping of fields"))
        return None, lines
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        errors = exc.errors()
        misspelt = _misspelt(model, errors)
        found = []
        for error in errors:
            loc = _loc_path(error["loc"], lines)
            value = error.get("input")
            message = error["msg"]
            if error["type"] == "missing" and tuple(error["loc"]) in misspelt.values():
                continue  # said once, at the misspelt name
            if error["type"] == "extra_forbidden":
                message = _unknown_field(model, error["loc"])
            elif error["type"] != "missing" and isinstance(value, str | int | float | dt.date):
                shown = repr(value)
                message += f" (got {shown if len(shown) <= 80 else shown[:79] + '…'})"
            found.append(Problem(name, line_of(lines, loc), _field(loc), message))
        problems += sorted(found, key=lambda p: p.line)
        return None, lines


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields sit at `loc` (pydantic's, list indexes and union labels
    included): Catalyst at ("catalysts", 0)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and part in current.model_fields:
            current = _inner_model(current.model_fields[part].annotation)
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _misspelt(model: type[BaseModel], errors: list[Any]) -> dict[Loc, Loc]:
    """Each unknown field that is near a known one (`horizen`) → the loc of that known field,
    when it is missing: the two errors are one mistake."""
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    found = {}
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] != "extra_forbidden" or not isinstance(loc[-1], str):
            continue
        near = _nearest(model, loc)
        if near is not None and (*loc[:-1], near) in missing:
            found[loc] = (*loc[:-1], near)
    return found


def _nearest(model: type[BaseModel], loc: Loc) -> str | None:
    owner = _model_at(model, loc[:-1])
    if owner is None:
        return None
    names = [name for name in owner.model_fields if name != loc[-1]]
    near = difflib.get_close_matches(str(loc[-1]).casefold(), names, n=1, cutoff=0.6)
    return near[0] if near else None


def _unknown_field(model: type[BaseModel], loc: Loc) -> str:
    near = _nearest(model, tuple(loc))
    if near is not None:
        return f"`{loc[-1]}` is not a field here; did you mean `{near}`?"
    owner = _model_at(model, tuple(loc)[:-1])
    fields = ", ".join(owner.model_fields) if owner else ""
    return f"`{loc[-1]}` is not a field here; the fields are: {fields}"


def _alias_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def load_theses(folder: Path, today: dt.date | None = None) -> Knowledge:
    """Every valid thesis under `folder`; the invalid ones only as problems."""
    knowledge = Knowledge()
    owners: dict[str, str] = {}
    for path in yaml_files(folder):
        thesis, lines = _parse(path, Thesis, knowledge.problems)
        if thesis is None:
            continue
        found = list(check_thesis(thesis, today))
        if thesis.ticker in knowledge.theses:
            first = knowledge.files[thesis.ticker][0]
            found.append((("ticker",), f"{thesis.ticker} is already defined by {first}; "
                                       "one file per ticker: merge the two files or change one "
                                       "ticker"))
        for index, alias in enumerate([thesis.ticker, thesis.company, *thesis.aliases]):
            owner = owners.get(_alias_key(alias))
            if owner and owner != thesis.ticker:
                loc = ("aliases", index - 2) if index >= 2 else (("ticker",), ("company",))[index]
                found.append((loc, f"{alias!r} already names {owner}; "
                                   "an alias must name one thesis"))
        if found:
            knowledge.problems += [Problem(str(path), line_of(lines, loc), _field(loc), message)
                                   for loc, message in found]
            continue
        knowledge.theses[thesis.ticker] = thesis
        knowledge.files[thesis.ticker] = (str(path), lines)
        for alias in [thesis.ticker, thesis.company, *thesis.aliases]:
            owners[_alias_key(alias)] = thesis.ticker
    return knowledge


def load_intents(folder: Path, knowledge: Knowledge | None = None) -> Knowledge:
    """Intent vocabularies (one file per intent) and the common-words list, into `knowledge`."""
    knowledge = knowledge if knowledge is not None else Knowledge()
    term_owner: dict[str, str] = {}
    for path in yaml_files(folder):
        if path.name == VOCABULARY_FILE:
            knowledge.vocabulary, _ = _parse(path, Vocabulary, knowledge.problems)
            continue
        if path.name == CONCEPTS_FILE:
            concepts, _ = _parse(path, Concepts, knowledge.problems)
            knowledge.concepts = concepts.root if concepts is not None else {}
            continue
        spec, lines = _parse(path, IntentSpec, knowledge.problems)
        if spec is None:
            continue
        if spec.intent in knowledge.intents:
            knowledge.problems.append(
                Problem(str(path), line_of(lines, ("intent",)), "intent",
                        f"intent {spec.intent!r} is already defined by another file")
            )
            continue
        clash = False
        for kind in ("terms", "hints"):
            for index, term in enumerate(getattr(spec, kind)):
                key = _alias_key(term)
                owner = term_owner.get(key)
                if owner and owner != spec.intent:
                    clash = True
                    knowledge.problems.append(
                        Problem(str(path), line_of(lines, (kind, index)),
                                f"{kind}[{index}]",
                                f"{term!r} is already a term of intent {owner!r}; "
                                "a phrase must point to one intent")
                    )
                term_owner.setdefault(key, spec.intent)
        if not clash:
            knowledge.intents[spec.intent] = spec
    missing = [name for name in INTENTS if name not in knowledge.intents]
    if missing and not any(p.file.startswith(str(folder)) for p in knowledge.problems):
        knowledge.problems.append(
            Problem(str(folder), 1, "intent", f"no file defines intent(s): {', '.join(missing)}")
        )
    if knowledge.vocabulary is None and not (folder / VOCABULARY_FILE).exists():
        knowledge.problems.append(
            Problem(str(folder / VOCABULARY_FILE), 1, "(file)", "is missing: add common_words")
        )
    return knowledge


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def declared_owners(path: str) -> tuple[str | None, tuple[str, ...]]:
    """(ticker, owners) as a file that does not load still says them, if its YAML can be read
    at all (with the loader's limits): a file that fails validation should still reach its
    owners. Read once per edition of the book, never per request."""
    try:
        data, _ = load_with_lines(read_yaml_file(Path(path)))
    except Exception:  # unreadable, not YAML, hostile: nobody to tell but the log
        return None, ()
    if not isinstance(data, dict):
        return None, ()
    ticker = data.get("ticker")
    owners = data.get("owners")
    found = tuple(o.strip() for o in owners if isinstance(o, str) and _USER_ID.match(o.strip())) \
        if isinstance(owners, list) else ()
    return (ticker.strip().upper() if isinstance(ticker, str) else None), found


def load_vocabulary(folder: Path) -> tuple[Vocabulary | None, list[Problem]]:
    """The ordinary-words list of an intents folder (its vocabulary.yaml), read and validated
    as `load_intents` reads it, with the same limits; None and the problems if it does not
    load."""
    problems: list[Problem] = []
    path = folder / VOCABULARY_FILE
    if not path.exists() and not path.is_symlink():
        return None, [Problem(str(path), 1, "(file)", "is missing: add common_words")]
    vocabulary, _ = _parse(path, Vocabulary, problems)
    return vocabulary, problems


def load_all(knowledge_dir: Path, intents_dir: Path, today: dt.date | None = None
             ) -> Knowledge:
    """Both folders, every file read."""
    return load_intents(intents_dir, load_theses(knowledge_dir, today))
