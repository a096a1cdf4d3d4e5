import json
import os

import redis
from fastapi import FastAPI
from prometheus_client import make_asgi_app

app = FastAPI(title="quiz-engine")
app.mount("/metrics", make_asgi_app())
sessions = redis.Redis(host=os.environ.get("SESSION_STORE_HOST", "session-store"), port=6379)


@app.post("/quizzes/{quiz_id}/sessions/{learner_id}/answers")
def answer(quiz_id: str, learner_id: str, payload: dict):
    key = f"quiz:{quiz_id}:{learner_id}"
    sessions.rpush(key, json.dumps(payload))
    return {"answered": sessions.llen(key)}
