"""JSON Schemas of the four file types, for editors (yaml-language-server) and CI."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from generator.model.files import FILE_MODELS
from generator.model.review import QuizReview
from generator.model.vocabulary import VocabularyFile

SCHEMA_MODELS: dict[str, type[BaseModel]] = {**FILE_MODELS, "quiz-review": QuizReview, "vocabulary": VocabularyFile}
"""The definitions' file types, the trainer's review of the quizzes (training/quiz-review.yml) and the
company's vocabulary (procedures/vocabulary.yml)."""


def schema_for(name: str) -> dict:
    schema = SCHEMA_MODELS[name].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{name}.json"
    return schema


def write_schemas(folder: Path) -> list[Path]:
    """Write one schema per file type; the output is stable (sorted keys) for clean diffs."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMA_MODELS:
        path = folder / f"{name}.json"
        text = json.dumps(schema_for(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
