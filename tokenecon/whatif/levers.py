"""What a lever is: a kind of change (one class per kind), applied to a slice of the usage.

A :class:`LeverKind` subclass is the whole of one lever kind: its name, its flags (which are
also its scenario-file keys), how its values parse, its description, its JSON, its short label
and its effect on a scenario. A :class:`Lever` is a kind with its slice (use cases, models, a
share of their traffic); a :class:`Scenario` is a named list of levers, applied in order.

The kinds themselves live in :mod:`~tokenecon.whatif.routing`, :mod:`~.lever_prompt`,
:mod:`~.lever_cache`, :mod:`~.lever_tier` and :mod:`~.lever_attempts`;
:mod:`~tokenecon.whatif.registry` lists them in the order flags apply them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, ClassVar, Self

from tokenecon.whatif.lever_values import as_percent, parse_choice, parse_share
from tokenecon.whatif.scenario_parts import Context, PromptStep, State


@dataclass(frozen=True)
class Flag:
    """A command-line flag of a lever; without the dashes, its key in a scenario file."""

    key: str
    """``route``, ``cache_prefix`` ...: the file key (the flag: ``--route``, ``--cache-prefix``)."""
    help: str
    """One line for ``--help``."""
    metavar: str | None = None
    """The value's placeholder in ``--help`` (``TARGET``, ``PCT``)."""
    example: str = ""
    """A value of the flag, for hints (``small-model``); a lever's own flag has one."""
    parse: Callable[[Any, str], Any] | None = None
    """How a one-value lever's value reads (see :meth:`OneValueLever.read`): from the flag's
    text, a file's value or the JSON, with ``where`` for messages."""
    switch: bool = False
    """A flag without a value (``--any-provider``); ``true``/``false`` in a file."""
    means: str = ""
    """What its value does, for the scenario file's schema (``this share fewer input tokens
    per call``)."""
    schema: Mapping[str, Any] | None = field(default=None, compare=False)
    """The JSON Schema of its value in a scenario file (``SHARE_VALUE`` ...); a switch's is a
    boolean."""

    @property
    def option(self) -> str:
        """The flag as typed: ``--cache-prefix``."""
        return "--" + self.key.replace("_", "-")

    def value_schema(self) -> dict[str, Any]:
        """Its key's entry in the scenario file's schema: the value's schema and :attr:`means`."""
        if self.schema is None and not self.switch:
            raise TypeError(f"{self.option}: the flag says no schema for its value")
        return {**(self.schema or {"type": "boolean"}), "description": self.means}

    @classmethod
    def choice(
        cls,
        key: str,
        help: str,
        choices: Sequence[str],
        example: str = "",
        *,
        means: str,
        schema: Mapping[str, Any] | None = None,
    ) -> Flag:
        """A flag whose value is one of ``choices`` (any case): they are its placeholder
        (``flex|priority``) and all its value may be; ``schema`` defaults to an enum of them."""

        def parse(value: Any, where: str) -> str:
            return parse_choice(value, choices, where)

        return cls(
            key, help, "|".join(choices), example, parse,
            means=means, schema=schema or {"enum": list(choices)},
        )  # fmt: skip


class LeverKind(ABC):
    """One kind of lever, with its values (subclasses are frozen dataclasses).

    A subclass sets the class attributes, parses its values from a flag or a file
    (:meth:`parse`) and from its JSON (:meth:`from_dict`), describes itself and applies its
    effect; add it to :data:`tokenecon.whatif.registry.LEVERS` and every flag, file key, hint
    and document knows it (the schemas and docs/whatif.md once ``docs/gen_cli.py`` has run:
    see :mod:`tokenecon.whatif`).
    """

    name: ClassVar[str]
    """``route``, ``trim_prompt`` ...: the JSON ``lever`` and assumption label; always its
    flag's key (set from :attr:`flag`)."""
    flag: ClassVar[Flag]
    """The flag that gives the lever's value, with an example value for hints."""
    modifiers: ClassVar[tuple[Flag, ...]] = ()
    """Flags that refine this lever only (``--any-provider``, ``--cache-ttl``)."""
    reference: ClassVar[str]
    """What it changes, for people: its row of the lever table in docs/whatif.md, which
    docs/gen_cli.py writes (markdown; the flag's placeholder, ``SHARE``, in capitals)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A kind that states its flag is named by it."""
        super().__init_subclass__(**kwargs)
        if "flag" in vars(cls):
            cls.name = cls.flag.key

    @classmethod
    @abstractmethod
    def parse(cls, value: Any, modifiers: Mapping[str, Any], where: str) -> Self:
        """The lever as a flag or a scenario-file item states it.

        ``value`` is its flag's value, ``modifiers`` its modifier flags' values by key (None
        where not given), ``where`` the flag or ``file:line: key`` for messages.
        """

    @abstractmethod
    def describe(self) -> str:
        """What it does, for people (the tables' lever lines): ``trim prompts by 20%``."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Its values for the JSON document (the slice is added by :meth:`Lever.to_dict`)."""

    @classmethod
    @abstractmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Self:
        """The lever back from :meth:`to_dict`'s values."""

    @abstractmethod
    def shown(self) -> str:
        """Its value in a scenario name: ``small-model``, ``20%``."""

    @abstractmethod
    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Change the scenario: the parts of ``lever``'s slice, tasks, and the assumptions."""

    def short(self) -> str:
        """A scenario name from this lever alone: ``route small-model``, ``trim-prompt 20%``."""
        return f"{self.flag.option.removeprefix('--')} {self.shown()}"

    def prompt_step(self) -> PromptStep | None:
        """The change of prompt sizes it makes, if any (the engine splits usage around it)."""
        return None


class OneValueLever(LeverKind):
    """A lever kind with one value: its one field, whose name is also its JSON key.

    The flag, the scenario file and the JSON all read the value with :meth:`read` (the flag's
    ``parse``), so that a subclass says only how its value is described and applied.
    """

    sentence: ClassVar[str]
    """What it does, as :meth:`describe` says it: a format string of the lever itself
    (``"cap prompts at {0.tokens:,} tokens"``)."""

    @classmethod
    def key(cls) -> str:
        """The value's field and JSON key (``fraction``, ``tier``, ``tokens`` ...)."""
        (value,) = fields(cls)  # type: ignore[arg-type]
        return value.name

    @classmethod
    def read(cls, value: Any, where: str) -> Any:
        """The value from a flag's text, a file's value or the JSON (``where`` for messages)."""
        if cls.flag.parse is None:
            raise TypeError(f"{cls.__name__}: its flag says no parse for its value")
        return cls.flag.parse(value, where)

    @classmethod
    def parse(cls, value: Any, modifiers: Mapping[str, Any], where: str) -> Self:
        """The lever from its one value (it takes no modifiers)."""
        return cls(cls.read(value, where))  # type: ignore[call-arg]

    def describe(self) -> str:
        """Its :attr:`sentence` with its value: ``cap prompts at 150,000 tokens``."""
        return self.sentence.format(self)

    def shown(self) -> str:
        """The value as it reads: ``1.5``, ``flex``."""
        return str(getattr(self, self.key()))

    def to_dict(self) -> dict[str, Any]:
        """``{key: value}``: a decimal as text (``"0.5"``), a count or a name as it is."""
        value = getattr(self, self.key())
        return {self.key(): str(value) if isinstance(value, Decimal) else value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Self:
        """From ``{key: value}``."""
        key = cls.key()
        return cls(cls.read(data[key], f"{where}: {key}"))  # type: ignore[call-arg]


@dataclass(frozen=True)
class ShareLever(OneValueLever):
    """A lever whose value is a share, ``fraction``: written ``20%`` or ``0.2``."""

    fraction: Decimal

    @classmethod
    def read(cls, value: Any, where: str) -> Decimal:
        """A share: ``20%`` or ``0.2`` (a bare ``20`` is refused)."""
        return parse_share(value, where)

    @property
    def percent(self) -> str:
        """The share as people read it: ``20%``."""
        return as_percent(self.fraction)

    def shown(self) -> str:
        """``20%``."""
        return self.percent


@dataclass(frozen=True)
class Lever:
    """A lever kind on a slice of the usage."""

    action: LeverKind
    use_cases: tuple[str, ...] = ()
    """Only these use cases (all usage, unattributed included, when empty)."""
    models: tuple[str, ...] = ()
    """Only usage of these models, as written (resolved against the price book later)."""
    share: Decimal = Decimal(1)
    """The share of the slice's traffic the action takes."""
    where: str = field(default="", compare=False)
    """The flag or ``file:line`` that stated it, for messages."""

    @property
    def kind(self) -> str:
        """The lever's name (``route``, ``trim_prompt`` ...)."""
        return self.action.name

    def describe(self) -> str:
        """One line for people: what it does and to which slice."""
        scope = [*self.use_cases, *self.models]
        if self.share != 1:
            scope.append(f"{as_percent(self.share)} of traffic")
        return self.action.describe() + (f" [{', '.join(scope)}]" if scope else "")

    def to_dict(self) -> dict[str, Any]:
        """The lever for the JSON document."""
        return {
            "lever": self.kind,
            **self.action.to_dict(),
            "use_cases": list(self.use_cases),
            "models": list(self.models),
            "share": str(self.share),
            "description": self.describe(),
        }


@dataclass(frozen=True)
class Scenario:
    """A named list of levers, applied in order."""

    name: str
    levers: tuple[Lever, ...]
    description: str = ""
