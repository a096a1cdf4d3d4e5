"""Stores submissions in the course media bucket."""

import os
import uuid

import boto3

_s3 = boto3.client("s3")


def store_submission(assignment_id: str, learner: str, filename: str, body: bytes) -> str:
    key = f"submissions/{assignment_id}/{learner}/{uuid.uuid4()}-{os.path.basename(filename)}"
    _s3.put_object(Bucket=os.environ["MEDIA_BUCKET"], Key=key, Body=body)
    return key
