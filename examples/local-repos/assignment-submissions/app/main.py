"""Assignment submissions: uploads, deadlines and the grading queue."""

from datetime import datetime, timezone

from fastapi import FastAPI, HTTPException, UploadFile
from prometheus_client import Counter, make_asgi_app

from .deadlines import deadline_of
from .storage import store_submission

MAX_BYTES = 50 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf", "application/zip"}

submissions = Counter(
    "assignment_submissions_total", "Submissions received", ["on_time"]
)

app = FastAPI(title="assignment-submissions")
app.mount("/metrics", make_asgi_app())


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.post("/assignments/{assignment_id}/submissions", status_code=201)
async def submit(assignment_id: str, learner: str, file: UploadFile) -> dict:
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(415, f"file must be one of {sorted(ALLOWED_TYPES)}")
    body = await file.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise HTTPException(413, "file is larger than 50 MiB")
    received = datetime.now(timezone.utc)
    on_time = received <= deadline_of(assignment_id)
    key = store_submission(assignment_id, learner, file.filename or "upload", body)
    submissions.labels(on_time=str(on_time).lower()).inc()
    return {"key": key, "receivedAt": received.isoformat(), "onTime": on_time}
