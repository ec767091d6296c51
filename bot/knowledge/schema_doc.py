"""docs/thesis-schema.md, generated from the pydantic models: every field of a thesis file,
required or not, its allowed values or form, what it means (the field's docstring) and a short
example. A test fails when the page is stale; regenerate it with

    python -m bot.knowledge.schema_doc > docs/thesis-schema.md
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import sys
import textwrap
import types
import typing
from typing import Any, Literal, Union

import yaml
from annotated_types import MaxLen, MinLen
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from bot.knowledge import dates, units
from bot.knowledge.models import (
    AnalystNote,
    CasePoint,
    Catalyst,
    Figure,
    Source,
    StatusMark,
    Thesis,
    Timing,
)

MODELS: tuple[type[BaseModel], ...] = (Thesis, Source, Figure, CasePoint, Catalyst, Timing,
                                       StatusMark, AnalystNote)
SECTIONS = {Thesis: "the file", Source: "sources[]", Figure: "figures[]",
            CasePoint: "bull[] and bear[]", Catalyst: "catalysts[]",
            Timing: "catalysts[].timing", StatusMark: "catalysts[].status",
            AnalystNote: "catalysts[].analyst_watch"}

# One short example per field, as it would be written in a thesis file.
EXAMPLES: dict[str, Any] = {
    "Thesis.ticker": "BABA",
    "Thesis.company": "Alibaba Group",
    "Thesis.aliases": ["Alibaba", "9988.HK", "阿里巴巴"],
    "Thesis.other_companies": ["ByteDance", "Tencent"],
    "Thesis.businesses": ["Taobao", "Cainiao", "DingTalk"],
    "Thesis.headquarters": "Hangzhou",
    "Thesis.glossary": {"ITC": "investment tax credit"},
    "Thesis.owners": ["U0123ABCD"],
    "Thesis.review_every": 90,
    "Thesis.draft": True,
    "Thesis.title": "Alibaba group: China's AI Bet Through Cloud Computing Power",
    "Thesis.summary": "Alibaba builds AI infrastructure at scale as cloud revenue accelerates.",
    "Thesis.sector": "Technology",
    "Thesis.updated": dt.date(2025, 11, 27),
    "Thesis.overview": "An overview paragraph, as written.",
    "Thesis.sources": [{"id": "thesis-document", "title": "Alibaba group: China's AI Bet",
                        "date": dt.date(2025, 11, 27)}],
    "Thesis.figures": [{"id": "buyback-remaining", "subject": "Alibaba share buyback "
                        "authorization", "measure": "amount remaining", "value": 19.1,
                        "unit": "usd_billion", "period": "through March 2027"}],
    "Thesis.bull": [{"id": "ai-cloud-dominance", "title": "Dominates China's AI cloud market",
                     "summary": "Alibaba holds 35.8% market share.",
                     "detail": "Alibaba holds 35.8% of China's AI cloud market.",
                     "figures": ["alibaba-ai-cloud-share"], "sources": ["thesis-document"]}],
    "Thesis.bear": [{"id": "chip-restrictions", "title": "Chip Restrictions Limit Scale",
                     "summary": "US export controls block advanced chips.",
                     "detail": "US export controls block Alibaba from accessing advanced AI "
                               "chips.", "sources": ["thesis-document"]}],
    "Thesis.catalysts": [{"id": "share-buybacks", "title": "Share Buybacks", "horizon": "near",
                          "detail": "Alibaba has $19.1 billion remaining in its buyback "
                                    "authorization through March 2027.",
                          "timing": "through March 2027", "figures": ["buyback-remaining"],
                          "sources": ["thesis-document"]}],
    "Thesis.notes": ["line 1: Alibaba group logo"],
    "Source.id": "street-forecasts",
    "Source.title": "Street forecasts, as cited by the thesis document",
    "Source.publisher": "The street",
    "Source.date": dt.date(2025, 11, 27),
    "Source.url": "https://example.com/alibaba-thesis",
    "Figure.id": "qwen-derivative-models",
    "Figure.subject": "Qwen",
    "Figure.measure": "AI models built on Qwen, on Hugging Face",
    "Figure.value": 180000,
    "Figure.unit": "models",
    "Figure.qualifier": "over",
    "Figure.comparison": "double the second-place competitor",
    "Figure.period": "Q3 2025",
    "Figure.as_of": dt.date(2025, 11, 27),
    "Figure.source": "street-forecasts",
    "Figure.keywords": ["model count", "hugging face"],
    "Figure.review": True,
    "CasePoint.id": "qwen-ecosystem",
    "CasePoint.title": "Ecosystem Lock-In Through Models",
    "CasePoint.detail": "Over 180k AI models built on Qwen now exist on Hugging Face, double "
                        "the second-place competitor.",
    "CasePoint.figures": ["qwen-derivative-models"],
    "CasePoint.sources": ["thesis-document"],
    "CasePoint.keywords": ["ecosystem", "lock-in"],
    "CasePoint.summary": "180k Qwen-based models create network effects.",
    "Catalyst.id": "custom-chips",
    "Catalyst.title": "Custom Chip Production",
    "Catalyst.detail": "If chip production scales through 2026 and powers competitive pricing "
                       "or margin expansion, the company insulates itself from export controls.",
    "Catalyst.figures": ["buyback-remaining"],
    "Catalyst.sources": ["thesis-document"],
    "Catalyst.keywords": ["custom chips", "in-house silicon"],
    "Catalyst.horizon": "medium",
    "Catalyst.summary": "Custom chips lower inference costs.",
    "Catalyst.condition": "If chip production scales through 2026 and powers competitive "
                          "pricing or margin expansion",
    "Catalyst.timing": "through March 2027",
    "Catalyst.watch": "revenue per model to rise and cloud contract sizes to expand",
    "Catalyst.analyst_watch": {"text": "Quarterly repurchase amounts against the $241 million "
                                       "of Q3 2025", "by": "Jane Doe",
                               "date": dt.date(2025, 12, 1)},
    "Catalyst.status": {"value": "hit", "by": "Jane Doe", "date": dt.date(2027, 4, 2),
                        "note": "authorization used in full"},
    "Timing.when": "by mid-2027",
    "Timing.what": "buyback authorization",
    "StatusMark.value": "missed",
    "StatusMark.by": "Jane Doe",
    "StatusMark.date": dt.date(2027, 4, 2),
    "StatusMark.note": "production did not scale",
    "AnalystNote.text": "Quarterly repurchase amounts",
    "AnalystNote.by": "Jane Doe",
    "AnalystNote.date": dt.date(2025, 12, 1),
}

_PATTERNS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$":
        "an id: lower-case words and digits joined by hyphens (buyback-remaining)",
    r"^[A-Z0-9][A-Z0-9.\-]{0,9}$": "capitals, digits, '.' or '-', up to 10 characters",
    r"^[a-z][a-z ,'-]{0,29}$":
        "a few lower-case words (over, more than, about, roughly, up to, at least)",
    r"^https?://\S+$": "a web address starting http:// or https://",
}


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _form(annotation: Any, metadata: list[Any]) -> str:
    """What a value of this field may be, in words."""
    annotation = _strip_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _form(base, [*extra, *metadata])
    if origin is list:
        (item,) = typing.get_args(annotation)
        return f"a list; each item {_form(item, [])}"
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if annotation is dates.PartialDate:
        return dates.FORMS
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        shorthand = " (or just the date, as text)" if annotation is Timing else ""
        return f"a mapping: see [{annotation.__name__}](#{annotation.__name__.lower()})" \
               + shorthand
    if any(isinstance(m, AfterValidator) and m.func is units.check_unit for m in metadata):
        return units.FORMS
    pattern = next((getattr(m, "pattern", None) for m in metadata
                    if getattr(m, "pattern", None)), None)
    if annotation is dt.date:
        return "a date, YYYY-MM-DD"
    if annotation is float:
        return "a number"
    if annotation is bool:
        return "true or false"
    if pattern in _PATTERNS:
        return _PATTERNS[pattern]
    if pattern:
        return f"text matching `{pattern}`"
    return "text"


def _limits(metadata: list[Any]) -> str:
    found = []
    for m in metadata:
        if isinstance(m, MinLen) and m.min_length:
            found.append(f"at least {m.min_length}")
        if isinstance(m, MaxLen):
            found.append(f"at most {m.max_length}")
    return f" ({', '.join(found)})" if found else ""


def _requirement(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    default = field.get_default()
    if default is None:
        return "optional"
    if default == []:
        return "optional, default empty"
    return f"optional, default `{default}`"


def _example(name: str, value: Any) -> str:
    if isinstance(value, dict | list):
        text = yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False,
                              default_flow_style=None, width=200).rstrip()
    else:
        scalar = yaml.safe_dump(value, allow_unicode=True, width=200)
        text = f"{name}: {scalar.removesuffix(chr(10)).removesuffix('...').strip()}"
    return "\n".join(f"  {line}" for line in text.splitlines())


def docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Each field's docstring: the string standing under its annotation in the class body (of
    the model or a model it extends)."""
    found: dict[str, str] = {}
    for cls in reversed([c for c in model.__mro__ if issubclass(c, BaseModel)
                         and c.__module__ == model.__module__]):
        body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
        assert isinstance(body, ast.ClassDef)
        for field, after in zip(body.body, body.body[1:], strict=False):
            if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) \
                    and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) \
                    and isinstance(after.value.value, str):
                found[field.target.id] = inspect.cleandoc(after.value.value)
    return found


def _fields(model: type[BaseModel]) -> list[str]:
    out = []
    described = docstrings(model)
    for name, field in model.model_fields.items():
        key = f"{model.__name__}.{name}"
        if key not in EXAMPLES:
            raise KeyError(f"add an example for {key} to EXAMPLES in bot/knowledge/schema_doc.py")
        if not described.get(name):
            raise KeyError(f"add a docstring under {key} in bot/knowledge/models.py")
        description = " ".join(described[name].split())
        form = _form(field.annotation, list(field.metadata)) + _limits(list(field.metadata))
        out += [f"- **`{name}`** — {_requirement(field)}. {description}",
                f"  Form: {form}.", "", "  ```yaml", _example(name, EXAMPLES[key]), "  ```", ""]
    return out


def render_schema_doc() -> str:
    lines = [
        "# Thesis file schema",
        "",
        "<!-- Generated from bot/knowledge/models.py by `python -m bot.knowledge.schema_doc "
        "> docs/thesis-schema.md`; do not edit by hand. -->",
        "",
        "One YAML file per thesis under `knowledge/`. A thesis file is a transcription, not an "
        "interpretation: texts, figures, dates, conditions and sources say exactly what the "
        "write-up says, at the precision it says it. Lookup data (ticker, aliases, "
        "other_companies, keywords) is the team's and is never shown as a claim. Start one "
        "with `thesis new TICKER \"Company name\"` and check it with `thesis validate` "
        "(`--strict` also fails on warnings).",
        "",
        "Rules worth knowing before you start:",
        "",
        "- **Dates keep their precision.** `timing: through March 2027` is a month, and cards "
        "count down in months (\"in 4 months\"); never write 2027-03-31 for it. Forms: "
        f"{dates.FORMS}.",
        "- **A condition is not a deadline.** \"If chip production scales through 2026 …\" is "
        "`condition:`, with no `timing`.",
        "- **Status is unknown until someone judges it**, and then says who and when: "
        "`status: {value: hit, by: Jane Doe, date: 2027-04-02}`. Unset status is not shown.",
        "- **A figure's source is the write-up** (leave `source` out) unless the text names who "
        "published the number; where something is (\"on Hugging Face\") is not a source. A "
        "source has a date only if the text gives one.",
        "- **Units are open**: any short name a card can print. House forms: `percent` → 35.8%, "
        "`multiple` or `x` → 23.5x, `usd_billion` → $19.1 billion (any `<currency>_<scale>`), "
        "otherwise the unit as written after the number (`GWh` → 14.2 GWh, `months` → 9 "
        "months, `\"% of annual GDP\"` → 1% of annual GDP).",
        "- **Qualifiers and comparisons are data**: `qualifier: over`, `comparison: double the "
        "second-place competitor`.",
        "- **Your own words are marked as yours**: a \"what to watch\" line the text does not "
        "have goes in `analyst_watch` with your name, never in `watch`.",
        "",
        "Files of the previous schema fail with a message saying what to write: `window:` "
        "(use `timing:` or `condition:`) and a bare `status: pending` (leave it out, or give "
        "who and when). `thesis upgrade` rewrites them in place, comments and layout kept "
        "(`--check` to see what it would change).",
        "",
    ]
    for model in MODELS:
        lines += [f"## {model.__name__}", "", f"Where: `{SECTIONS[model]}`.", ""]
        doc = " ".join((model.__doc__ or "").split())
        if doc:
            lines += [doc, ""]
        lines += _fields(model)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_schema_doc())
