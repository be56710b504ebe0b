"""`procgen schema`: JSON Schemas for editors, matching the committed ones, and the $schema line."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, VALID

from generator.cli.main import main
from generator.model.jsonschema import SCHEMA_MODELS as FILE_MODELS
from generator.source.loader import load_file

pytestmark = pytest.mark.usefixtures("fixed_today")

SCHEMAS = ROOT / "schemas"
JSON_TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"}
ANNOTATIONS = {"title", "description", "default", "format", "$id", "$schema", "examples"}
KEYWORDS = ANNOTATIONS | {
    "$defs",
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "enum",
    "const",
    "pattern",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "discriminator",
    "propertyNames",  # draft 2020-12: the schema every key of a mapping meets (role_basis, people: a role id, not empty)
}


def file_type(path: Path) -> str:
    if path.parent.name == "forms":
        return "form"
    return {
        "roles.yml": "roles",
        "external.yml": "external",
        "company.yml": "company",
        "vocabulary.yml": "vocabulary",
    }.get(path.name, "document")


def repository_yaml() -> list[Path]:
    return sorted((ROOT / "procedures").glob("*.yml")) + sorted((ROOT / "forms").glob("*.yml"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("schema")
    assert main(["schema", str(root)]) == 0
    return root / "schemas"


def test_procgen_schema_writes_one_schema_per_file_type(generated: Path) -> None:
    assert sorted(p.name for p in generated.iterdir()) == sorted(f"{name}.json" for name in FILE_MODELS)


@pytest.mark.parametrize("name", sorted(FILE_MODELS))
def test_generated_schema_matches_the_committed_one(name: str, generated: Path) -> None:
    committed = SCHEMAS / f"{name}.json"
    assert committed.exists(), "run `procgen schema` and commit schemas/"
    assert (generated / f"{name}.json").read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (
        f"schemas/{name}.json is stale: run `procgen schema` and commit it"
    )


def test_writing_twice_changes_nothing(tmp_path: Path) -> None:
    assert main(["schema", str(tmp_path)]) == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "schemas").iterdir()}
    assert main(["schema", str(tmp_path)]) == 0
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "schemas").iterdir()}
    assert before == after


def _check_schema(node: Any, defs: dict[str, Any], where: str) -> None:
    """A structural check of the draft 2020-12 keywords pydantic emits (no jsonschema package needed)."""
    assert isinstance(node, dict | bool), where
    if isinstance(node, bool):
        return
    unknown = set(node) - KEYWORDS
    assert not unknown, f"{where}: unknown keywords {unknown}"
    if "$ref" in node:
        ref = node["$ref"]
        assert re.fullmatch(r"#/\$defs/[A-Za-z0-9_]+", ref), f"{where}: {ref}"
        assert ref.split("/")[-1] in defs, f"{where}: dangling {ref}"
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        assert set(types) <= JSON_TYPES, f"{where}: {types}"
    if "required" in node:
        assert set(node["required"]) <= set(node.get("properties", {})), f"{where}: required not in properties"
    if "pattern" in node:
        re.compile(node["pattern"])
    if "enum" in node:
        assert isinstance(node["enum"], list) and node["enum"], where
    for key in ("properties", "$defs"):
        for name, child in node.get(key, {}).items():
            _check_schema(child, defs, f"{where}/{key}/{name}")
    for key in ("anyOf", "oneOf", "allOf"):
        for i, child in enumerate(node.get(key, [])):
            _check_schema(child, defs, f"{where}/{key}/{i}")
    for key in ("items", "additionalProperties", "propertyNames"):
        if key in node:
            _check_schema(node[key], defs, f"{where}/{key}")


@pytest.mark.parametrize("name", sorted(FILE_MODELS))
def test_committed_schema_is_a_valid_json_schema(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{name}.json"
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    _check_schema(schema, schema.get("$defs", {}), name)


# --------------------------------------------------------------------------- the schemas accept the real files


def _jsonish(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonish(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _type_ok(value: Any, kind: str) -> bool:
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }[kind]


def _errors(value: Any, node: Any, defs: dict[str, Any], where: str = "") -> list[str]:
    """The subset of JSON Schema validation that pydantic's schemas use; returns the failures."""
    if node is True:
        return []
    if node is False:
        return [f"{where}: not allowed"]
    if "$ref" in node:
        return _errors(value, defs[node["$ref"].split("/")[-1]], defs, where)
    out: list[str] = []
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_type_ok(value, t) for t in types):
            return [f"{where}: not {types}"]
    if "const" in node and value != node["const"]:
        out.append(f"{where}: != {node['const']}")
    if "enum" in node and value not in node["enum"]:
        out.append(f"{where}: not in {node['enum']}")
    if isinstance(value, str):
        if "pattern" in node and not re.search(node["pattern"], value):
            out.append(f"{where}: does not match {node['pattern']}")
        if len(value) < node.get("minLength", 0):
            out.append(f"{where}: too short")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            out.append(f"{where}: < minimum")
        if "maximum" in node and value > node["maximum"]:
            out.append(f"{where}: > maximum")
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0) or len(value) > node.get("maxItems", len(value)):
            out.append(f"{where}: item count")
        if "items" in node:
            for i, item in enumerate(value):
                out += _errors(item, node["items"], defs, f"{where}/{i}")
    if isinstance(value, dict):
        props = node.get("properties", {})
        for key in node.get("required", []):
            if key not in value:
                out.append(f"{where}: missing {key}")
        if "propertyNames" in node:
            for key in value:
                out += _errors(key, node["propertyNames"], defs, f"{where}/{key} (key)")
        for key, item in value.items():
            if key in props:
                out += _errors(item, props[key], defs, f"{where}/{key}")
            elif node.get("additionalProperties") is False:
                out.append(f"{where}: unknown {key}")
            elif isinstance(node.get("additionalProperties"), dict):  # a mapping by key: role_basis, people
                out += _errors(item, node["additionalProperties"], defs, f"{where}/{key}")
    if "anyOf" in node and all(_errors(value, n, defs, where) for n in node["anyOf"]):
        out.append(f"{where}: matches no anyOf branch")
    if "oneOf" in node and sum(not _errors(value, n, defs, where) for n in node["oneOf"]) != 1:
        out.append(f"{where}: matches not exactly one oneOf branch")
    return out


def _validate(path: Path) -> list[str]:
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    located, problems = load_file(path, shown)
    assert problems == [] and located is not None
    schema = json.loads((SCHEMAS / f"{file_type(path)}.json").read_text(encoding="utf-8"))
    return _errors(_jsonish(located.data), schema, schema.get("$defs", {}))


@pytest.mark.parametrize("path", repository_yaml(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_schema_accepts_every_repository_file(path: Path) -> None:
    assert _validate(path) == []


def test_schema_accepts_the_valid_fixture() -> None:
    for path in sorted(VALID.rglob("*.yml")):
        assert _validate(path) == [], path


def test_schema_flags_what_the_checker_flags(tmp_path: Path) -> None:
    bad = tmp_path / "procedures" / "01-x.yml"
    bad.parent.mkdir()
    text = (VALID / "procedures/01-return-visit.yml").read_text(encoding="utf-8")
    bad.write_text(
        text.replace("kind: standard", "kind: memo").replace("review_months:", "reveiw_months:"), encoding="utf-8"
    )
    failures = _validate(bad)
    assert any("kind" in f for f in failures) and any("reveiw_months" in f for f in failures)


# --------------------------------------------------------------------------- the editor line


@pytest.mark.parametrize("path", repository_yaml(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_yaml_file_starts_with_its_schema_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schemas/{file_type(path)}.json"


def test_schema_lines_point_at_existing_files() -> None:
    for path in repository_yaml() + sorted(VALID.rglob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match.group(1)).resolve().is_file(), path


def test_the_schema_checks_the_keys_and_values_of_a_mapping() -> None:
    # role_basis (and company.yml people) is a mapping by role id: the key is not empty, each value is a basis.
    schema = json.loads((SCHEMAS / "document.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    proposal = {"proposed": {"by": "quality-dept", "reason": "测试用例"}}
    row = {"activity": "回访", "R": ["property-officer"], "role_basis": {"property-officer": proposal}}
    assert _errors(row, defs["MatrixRow"], defs) == []
    assert _errors({**row, "role_basis": {"": proposal}}, defs["MatrixRow"], defs)
    assert _errors({**row, "role_basis": {"property-officer": {"said": "回访"}}}, defs["MatrixRow"], defs)
