from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_rejects_a_file_type_it_cannot_grade():
    response = client.post(
        "/assignments/essay-1/submissions",
        params={"learner": "l-42"},
        files={"file": ("essay.exe", b"MZ", "application/octet-stream")},
    )
    assert response.status_code == 415
