"""Assignment deadlines, read from the course catalog's export."""

import json
import os
from datetime import datetime
from functools import lru_cache

from fastapi import HTTPException


@lru_cache(maxsize=1)
def _deadlines() -> dict:
    with open(os.environ.get("DEADLINES_FILE", "/config/deadlines.json")) as f:
        return json.load(f)


def deadline_of(assignment_id: str) -> datetime:
    raw = _deadlines().get(assignment_id)
    if raw is None:
        raise HTTPException(404, f"assignment {assignment_id} has no deadline")
    return datetime.fromisoformat(raw)
