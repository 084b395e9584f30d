"""Shipped scheme versions, one TOML file each, and the loader that validates them.

A file lives at ``<scheme id>/<version>.toml``. Beyond the fields of
`yms.schemes.domain.scheme.Scheme`, a file may use two shorthands:

* ``[defaults]`` holds terms shared by every arrangement group; a group's own
  values are merged over them (tables key by key; a value of ``false`` removes a
  default table);
* each ``[[arrangements]]`` entry names ``nationalities`` (a list) and a ``host``,
  and stands for one arrangement per nationality; each ``[[allocations]]`` entry
  may name ``nationalities`` and ``hosts`` instead of ``arrangements``.

A version may also be written as a change to another (a design variant, say), so
that the shared terms are written once::

    id = "eu-uk-cap"
    version = "2025-05-19"
    ...  # top-level values replace the base's

    [based_on]
    scheme = "eu-uk-yes@2025-05-19"  # the base file: <id>/<version>.toml
    replace = ["allocations", "defaults.extension"]

Each dotted path in ``replace`` is replaced by this file's value at that path, or
removed where this file has none; ``[[sources]]`` are added to the base's. Any
other table in the file is an error, so nothing is merged by accident; the base
must not itself be based on another version.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn, Self

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from yms.kernel.countries import is_known_code
from yms.kernel.validation import field_problems
from yms.schemes.domain.scheme import (
    Arrangement,
    CountryCode,
    Scheme,
    SchemeStatus,
    Terms,
    arrangement_id,
)


class SchemeFileError(ValueError):
    """A scheme file that cannot be loaded: which file, which field, what is wrong."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {problem}")


class UnknownSchemeError(LookupError):
    """No scheme, or no version of it, matches what was asked for."""


def _known(value: str) -> str:
    if not is_known_code(value):
        raise ValueError(f"unknown country code {value!r}")
    return value


KnownCode = Annotated[CountryCode, BeforeValidator(_known)]


class _ArrangementGroup(Terms):
    """One ``[[arrangements]]`` entry: shared terms for several nationalities and hosts."""

    nationalities: tuple[KnownCode, ...] = Field(min_length=1)
    host: KnownCode | None = None
    hosts: tuple[KnownCode, ...] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_way_to_name_hosts(self) -> Self:
        if (self.host is None) == (self.hosts is None):
            raise ValueError("give either host or hosts")
        return self

    @property
    def all_hosts(self) -> tuple[str, ...]:
        """Every host the group names."""
        return self.hosts if self.hosts is not None else (str(self.host),)


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is False and isinstance(merged.get(key), Mapping):
            del merged[key]
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _prefixed(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _raise_for(file: str, prefix: str, error: ValidationError) -> NoReturn:
    problem = field_problems(error)[0]
    raise SchemeFileError(file, _prefixed(prefix, problem.path).strip("."), problem.message)


def _written_in(raw: object, loc: tuple[int | str, ...]) -> bool:
    """Whether the value at `loc` (or a whole list or value above it) is written in `raw`."""
    for part in loc:
        if isinstance(raw, list):
            return True  # the group wrote the whole list
        if not (isinstance(raw, Mapping) and isinstance(part, str) and part in raw):
            return False
        raw = raw[part]
    return True


def _group_error(
    file: str, index: int, group: Mapping[str, Any], error: ValidationError
) -> NoReturn:
    # Blame [defaults] for a value the group inherited rather than wrote.
    loc = tuple(error.errors()[0]["loc"])
    inherited = bool(loc) and not _written_in(group, loc)
    _raise_for(file, "defaults" if inherited else f"arrangements[{index}]", error)


def _expand_groups(file: str, raw: dict[str, Any]) -> list[Arrangement]:
    defaults = raw.pop("defaults", {})
    groups = raw.pop("arrangements", None)
    if not isinstance(groups, list) or not groups:
        raise SchemeFileError(file, "arrangements", "at least one [[arrangements]] entry is needed")
    arrangements: list[Arrangement] = []
    for index, group in enumerate(groups):
        try:
            parsed = _ArrangementGroup.model_validate(_merge(defaults, group))
        except ValidationError as error:
            _group_error(file, index, group, error)
        terms = parsed.model_dump(exclude={"nationalities", "host", "hosts", "note"})
        arrangements.extend(
            Arrangement.model_validate({**terms, "nationality": n, "host": h})
            for n in parsed.nationalities
            for h in parsed.all_hosts
        )
    return arrangements


def _expand_allocation(allocation: Mapping[str, Any]) -> dict[str, Any]:
    expanded = dict(allocation)
    nationalities = expanded.pop("nationalities", None)
    hosts = expanded.pop("hosts", None)
    if nationalities is not None or hosts is not None:
        expanded["arrangements"] = [
            arrangement_id(n, h) for n in nationalities or [] for h in hosts or []
        ]
    return expanded


def _toml(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SchemeFileError(file, "", f"not valid TOML: {error}") from error


#: Reads the text of the base version ``ID@VERSION`` names; raises `LookupError` if none.
BaseReader = Callable[[str], str]

_KEY = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)@(?P<version>\d{4}-\d{2}-\d{2})\Z")


def _pop_path(raw: dict[str, Any], path: tuple[str, ...]) -> tuple[bool, Any]:
    """Remove the value at `path` (dropping tables left empty); whether it was there, and it."""
    parent: Any = raw
    for part in path[:-1]:
        parent = parent.get(part) if isinstance(parent, dict) else None
    if not isinstance(parent, dict) or path[-1] not in parent:
        return False, None
    value = parent.pop(path[-1])
    for depth in range(len(path) - 1, 0, -1):
        holder: Any = raw
        for part in path[: depth - 1]:
            holder = holder[part]
        if holder[path[depth - 1]]:
            break
        del holder[path[depth - 1]]
    return True, value


def _set_path(raw: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for part in path[:-1]:
        raw = raw.setdefault(part, {})
    raw[path[-1]] = value


def _based_on(file: str, raw: dict[str, Any]) -> tuple[str, list[str]]:
    based = raw.pop("based_on")
    if not isinstance(based, Mapping):
        raise SchemeFileError(file, "based_on", 'must be a table: scheme = "ID@VERSION", replace')
    unknown = sorted(set(based) - {"scheme", "replace"})
    if unknown:
        raise SchemeFileError(file, f"based_on.{unknown[0]}", "unknown field")
    key = based.get("scheme")
    if not isinstance(key, str) or not _KEY.match(key):
        raise SchemeFileError(file, "based_on.scheme", 'name the base as "ID@VERSION"')
    replace = based.get("replace", [])
    if not isinstance(replace, list) or not all(isinstance(path, str) and path for path in replace):
        raise SchemeFileError(file, "based_on.replace", "must be a list of dotted paths")
    for identity in ("id", "version"):
        if identity not in raw:
            raise SchemeFileError(file, identity, "a version based on another gives its own")
    return key, replace


def _read_base(file: str, key: str, read_base: BaseReader | None) -> dict[str, Any]:
    if read_base is None:
        raise SchemeFileError(file, "based_on.scheme", f"{key} cannot be read from here")
    try:
        base_text = read_base(key)
    except LookupError as error:
        raise SchemeFileError(file, "based_on.scheme", f"no scheme file for {key}") from error
    base = _toml(base_text, key)
    if "based_on" in base:
        raise SchemeFileError(
            file, "based_on.scheme", f"{key} is itself based on another version; name that one"
        )
    return base


def _replace_paths(
    file: str, key: str, raw: dict[str, Any], derived: dict[str, Any], replace: list[str]
) -> None:
    for index, dotted in enumerate(replace):
        path = tuple(dotted.split("."))
        in_base, _ = _pop_path(derived, path)
        given, value = _pop_path(raw, path)
        if not (in_base or given):
            raise SchemeFileError(
                file, f"based_on.replace[{index}]", f"neither this file nor {key} has {dotted}"
            )
        if given:
            _set_path(derived, path, value)


def _add_sources(file: str, key: str, raw: dict[str, Any], derived: dict[str, Any]) -> None:
    sources = raw.pop("sources", [])
    if not isinstance(sources, list):
        raise SchemeFileError(file, "sources", "must be a list of [[sources]] tables")
    known = {source.get("id") for source in derived.get("sources", []) if isinstance(source, dict)}
    for index, source in enumerate(sources):
        if isinstance(source, dict) and source.get("id") in known:
            raise SchemeFileError(file, f"sources[{index}].id", f"{key} already has this source")
    derived["sources"] = [*derived.get("sources", []), *sources]


def _derive(file: str, raw: dict[str, Any], read_base: BaseReader | None) -> dict[str, Any]:
    """The base version's raw data with this file's changes applied (see the module's doc)."""
    key, replace = _based_on(file, raw)
    derived = _read_base(file, key, read_base)
    _replace_paths(file, key, raw, derived, replace)
    _add_sources(file, key, raw, derived)
    for name, value in raw.items():
        if isinstance(value, dict | list):
            raise SchemeFileError(
                file, name, "a version based on another changes tables only by based_on.replace"
            )
        derived[name] = value
    return derived


def parse_scheme(text: str, *, file: str, read_base: BaseReader | None = None) -> Scheme:
    """Validate the text of one scheme file; `file` names it in any error.

    A file ``based_on`` another version reads the base's text through `read_base`.
    """
    raw = _toml(text, file)
    if "based_on" in raw:
        raw = _derive(file, raw, read_base)
    arrangements = _expand_groups(file, raw)
    allocations = raw.pop("allocations", [])
    if not isinstance(allocations, list):
        raise SchemeFileError(file, "allocations", "must be a list of [[allocations]] tables")
    raw["allocations"] = [
        _expand_allocation(a) if isinstance(a, Mapping) else a for a in allocations
    ]
    raw["arrangements"] = arrangements
    try:
        return Scheme.model_validate(raw)
    except ValidationError as error:
        _raise_for(file, "", error)


def load_scheme_file(path: Path) -> Scheme:
    """Load and validate one file, checking it sits at ``<id>/<version>.toml``.

    A base it names (``based_on``) is read from beside it: ``../<id>/<version>.toml``.
    """
    name = f"{path.parent.name}/{path.name}"

    def read_base(key: str) -> str:
        scheme_id, _, version = key.partition("@")
        base = path.parent.parent / scheme_id / f"{version}.toml"
        if not base.is_file():
            raise LookupError(key)
        return base.read_text(encoding="utf-8")

    scheme = parse_scheme(path.read_text(encoding="utf-8"), file=name, read_base=read_base)
    if (scheme.id, scheme.version) != (path.parent.name, path.stem):
        raise SchemeFileError(
            name, "id", f"file holds {scheme.key}; it belongs at {scheme.id}/{scheme.version}.toml"
        )
    return scheme


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A set of scheme versions, looked up by id and date."""

    schemes: tuple[Scheme, ...]

    def ids(self) -> list[str]:
        """Every scheme id, sorted."""
        return sorted({scheme.id for scheme in self.schemes})

    def ids_in_force_first(self) -> list[str]:
        """Every scheme id, those in force before those only proposed, each group by id.

        People look for the scheme they can use today first, wherever schemes are listed.
        """
        return sorted(self.ids(), key=lambda scheme_id: (not self._in_force(scheme_id), scheme_id))

    def _in_force(self, scheme_id: str) -> bool:
        return self.latest(scheme_id).status is SchemeStatus.IN_FORCE

    def versions(self, scheme_id: str) -> list[Scheme]:
        """Every version of a scheme, oldest first; raises `UnknownSchemeError` if none."""
        found = sorted(
            (s for s in self.schemes if s.id == scheme_id), key=lambda s: s.effective_from
        )
        if not found:
            known = ", ".join(self.ids())
            raise UnknownSchemeError(f"unknown scheme {scheme_id!r} (known: {known})")
        return found

    def latest(self, scheme_id: str) -> Scheme:
        """The newest version of a scheme."""
        return self.versions(scheme_id)[-1]

    def get(self, scheme_id: str, version: str) -> Scheme:
        """One exact version, as recorded on a decision."""
        for scheme in self.versions(scheme_id):
            if scheme.version == version:
                return scheme
        raise UnknownSchemeError(f"scheme {scheme_id!r} has no version {version!r}")

    def in_force(self, scheme_id: str, on: date) -> Scheme:
        """The version that applies to an application made on `on`."""
        versions = self.versions(scheme_id)
        for scheme in reversed(versions):
            if scheme.in_force_on(on):
                return scheme
        raise UnknownSchemeError(
            f"scheme {scheme_id!r} has no version in force on {on.isoformat()} "
            f"(the earliest starts on {versions[0].effective_from.isoformat()})"
        )


def load_catalogue(paths: Iterable[Path]) -> Catalogue:
    """Load every given file into one catalogue; refuses two files with the same id and version."""
    schemes = [load_scheme_file(path) for path in sorted(paths)]
    keys = [scheme.key for scheme in schemes]
    for key in keys:
        if keys.count(key) > 1:
            raise SchemeFileError(key, "version", "defined by more than one file")
    return Catalogue(tuple(schemes))


def shipped_files() -> list[Path]:
    """The scheme files that ship with yms."""
    root = Path(str(resources.files("yms.schemes"))) / "data"
    return sorted(root.glob("*/*.toml"))


@cache
def shipped() -> Catalogue:
    """The catalogue of shipped schemes, loaded once."""
    return load_catalogue(shipped_files())
