"""The base of every closed set: a string enum whose members carry three labels.

A member's value is a stable ASCII code (``"county"``); its labels in simplified Chinese,
traditional Chinese and English are metadata, never the key. :meth:`Term.parse` accepts the
code, any label, the member name and declared aliases, tolerating case, full-width characters,
spaces and a trailing 级/級 (so ``"县"``, ``"縣"``, ``"县级"``, ``"County"`` all give
``Level.COUNTY``); on failure it raises :class:`~foodsafety.errors.VocabularyError` listing
close matches. Pydantic fields typed with a term accept the same inputs and serialise to the code.

Most vocabularies are closed: a label that names no member is an error. A few are
*open-world* (``__open__ = True`` on the class: :class:`~foodsafety.vocab.OfficialPost`,
:class:`~foodsafety.vocab.VisitMode`): real ledgers use more labels than any list holds (县委常委,
联合督导), so a label the vocabulary knows is stored as its code and any other non-blank label is
kept as written, with a warning (:meth:`Term.parse_open`).
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from typing import Any, ClassVar, Self

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from foodsafety.errors import VocabularyError

__all__ = ["Term", "normalise_label"]

_STRIP = str.maketrans("", "", " \t\r\n_-·・.（）()")


def normalise_label(text: str) -> str:
    """Normalise a label for lookup: NFKC (full-width to half-width), casefold, drop spaces and punctuation."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_STRIP)


class Term(enum.StrEnum):
    """A member of a closed domain vocabulary with zh-Hans, zh-Hant and English labels.

    Subclasses declare members as ``CODE = ("code", "简体", "繁體", "English", ("alias", ...))``;
    the alias tuple is optional.
    """

    zh: str
    zh_hant: str
    en: str
    aliases: tuple[str, ...]

    #: What the whole set is called, in Chinese and English (used by the glossary and errors).
    __label_zh__: ClassVar[str] = ""
    __label_en__: ClassVar[str] = ""
    #: True for an open-world vocabulary: labels outside it are kept as written, with a
    #: warning (records issue :class:`~foodsafety.errors.UnlistedLabelWarning`, loaders
    #: report ``vocab.unlisted`` of severity ``"warning"``) instead of being rejected.
    __open__: ClassVar[bool] = False

    def __new__(
        cls, code: str, zh: str, zh_hant: str, en: str, aliases: tuple[str, ...] = ()
    ) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh
        member.zh_hant = zh_hant
        member.en = en
        member.aliases = tuple(aliases)
        return member

    @property
    def code(self) -> str:
        """The stable ASCII code (same as ``.value``)."""
        return str(self.value)

    def label(self, lang: str = "zh") -> str:
        """The label in ``"zh"``/``"zh-Hans"``, ``"zh-Hant"`` or ``"en"``."""
        key = lang.replace("_", "-").casefold()
        if key in ("zh", "zh-hans", "zh-cn"):
            return self.zh
        if key in ("zh-hant", "zh-tw", "zh-hk"):
            return self.zh_hant
        if key in ("en", "en-us", "en-gb"):
            return self.en
        raise VocabularyError(
            f"lang must be one of 'zh', 'zh-Hant', 'en' (got {lang!r})",
            field="lang",
            value=lang,
            suggestions=("zh", "zh-Hant", "en"),
        )

    def __str__(self) -> str:
        return str(self.value)

    # -- parsing -------------------------------------------------------------------------

    @classmethod
    def _lookup(cls) -> dict[str, Self]:
        table: dict[str, Self] | None = cls.__dict__.get("_lookup_table")
        if table is None:
            table = {}
            for m in cls:
                for text in (m.value, m.name, m.zh, m.zh_hant, m.en, *m.aliases):
                    key = normalise_label(str(text))
                    other = table.get(key)
                    if other is not None and other is not m:
                        raise RuntimeError(f"{cls.__name__}: label {text!r} names {other} and {m}")
                    table[key] = m
            type.__setattr__(cls, "_lookup_table", table)
        return table

    @classmethod
    def labels(cls) -> list[str]:
        """Every text :meth:`parse` accepts exactly (codes, names, labels and aliases)."""
        out: list[str] = []
        for m in cls:
            out += [m.value, m.name, m.zh, m.zh_hant, m.en, *m.aliases]
        return out

    @classmethod
    def parse(cls, text: object) -> Self:
        """Return the member named by ``text`` (code, label in any language, or alias).

        Raises:
            VocabularyError: no member matches; the message lists close matches.
        """
        if isinstance(text, cls):
            return text
        if not isinstance(text, str):
            raise VocabularyError(
                f"{cls.__name__} must be a label such as {cls._example()} (got {text!r})",
                record=cls.__name__,
                value=text,
            )
        table = cls._lookup()
        key = normalise_label(text)
        found = table.get(key)
        if found is None and key.endswith(("级", "級")):
            found = table.get(key[:-1])
        if found is not None:
            return found
        candidates = difflib.get_close_matches(
            text.strip(), [str(x) for x in cls.labels()], n=5, cutoff=0.4
        )
        unique: list[str] = []
        for c in candidates:
            code = table[normalise_label(c)].value
            shown = f"{c} ({code})" if c != code else c
            if shown not in unique:
                unique.append(shown)
        hint = f"; did you mean {', '.join(unique)}?" if unique else ""
        name = cls.__label_en__ or cls.__name__
        raise VocabularyError(
            f"{text!r} is not a known {name} (expected a code or label such as {cls._example()}){hint}",
            message_zh=f"无法识别的{cls.__label_zh__ or cls.__name__}：{text!r}",
            record=cls.__name__,
            value=text,
            suggestions=unique,
        )

    @classmethod
    def is_open(cls) -> bool:
        """True for an open-world vocabulary (``__open__ = True``)."""
        return bool(cls.__open__)

    @classmethod
    def unlisted_message(cls, text: str, field: str | None = None) -> tuple[str, str]:
        """The English and Chinese messages for a label this open vocabulary does not list.

        ``field`` names the column or field: ``"mode '视频督导' is not a known visit mode;
        kept as written"``.
        """
        name = cls.__label_en__ or cls.__name__
        head = f"{field} " if field else ""
        return (
            f"{head}{text!r} is not a known {name}; kept as written",
            f"{cls.__label_zh__ or cls.__name__} {text!r} 不在词表中，已按原文保留",
        )

    @classmethod
    def parse_open(cls, text: object) -> Self | str:
        """The member named by ``text``, or, in an open-world vocabulary, ``text`` itself.

        A label the vocabulary knows gives its member (as :meth:`parse`); in an open-world
        vocabulary (``__open__ = True``) any other non-blank text is returned stripped, as
        written (the caller decides how to warn). A closed vocabulary raises as :meth:`parse`.

        Raises:
            VocabularyError: the vocabulary is closed and no member matches, or ``text`` is
                not a string, or it is blank.
        """
        try:
            return cls.parse(text)
        except VocabularyError:
            if not cls.is_open() or not isinstance(text, str):
                raise
            stripped = text.strip()
            if not stripped:
                raise VocabularyError(
                    f"{cls.__label_en__ or cls.__name__} must not be blank (got {text!r})",
                    message_zh=f"{cls.__label_zh__ or cls.__name__}不能为空",
                    record=cls.__name__,
                    value=text,
                ) from None
            return stripped

    @classmethod
    def _example(cls) -> str:
        members = list(cls)[:3]
        return ", ".join(f"{m.value!r}/{m.zh!r}" for m in members) + (
            ", ..." if len(cls) > 3 else ""
        )

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        # Level("县") works like Level.parse("县"); failures fall back to Enum's own ValueError.
        try:
            return cls.parse(value)
        except VocabularyError:
            return None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            cls.parse,
            core_schema.enum_schema(cls, list(cls.__members__.values()), sub_type="str"),
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda m: m.value, when_used="always"
            ),
        )
