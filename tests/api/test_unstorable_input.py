"""Bodies that JSON cannot carry back (NaN, Infinity, 1e999, a lone surrogate) get a 400 naming why, not a 500,
and nothing is stored from them; the same requests with ordinary values still work."""

from __future__ import annotations

import pytest

JSON = {"content-type": "application/json"}


def _post(deployment, path: str, body: str, who: str) -> object:
    return deployment.client.post(path, content=body.encode("utf-8"), headers=deployment.h(who) | JSON)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_span_is_400(deployment, number: str) -> None:
    body = '{"spans": [{"stream": "s1", "start": NUMBER, "end": 34}]}'.replace("NUMBER", number)
    r = _post(deployment, "/v1/evidence", body, "agent")
    assert r.status_code == 400, r.text
    assert "number" in r.json()["detail"]


def test_lone_surrogate_in_ticket_text_is_400_and_no_ticket_is_kept(deployment) -> None:
    body = '{"id": "SUR-1", "text": "\\ud800 没收到赠品", "order_time": "2026-11-20T12:00:26+00:00"}'
    r = _post(deployment, "/v1/tickets", body, "agent")
    assert r.status_code == 400, r.text
    assert "surrogate" in r.json()["detail"]
    fine = body.replace("\\ud800 ", "")
    assert _post(deployment, "/v1/tickets", fine, "agent").status_code == 201  # the id was never taken


def test_lone_surrogate_in_review_note_or_key_name_is_400(deployment) -> None:
    cid = deployment.claims["s1"][0].id
    note = _post(deployment, f"/v1/review/{cid}", '{"status": "confirmed", "note": "ok \\udfff"}', "compliance")
    assert note.status_code == 400, note.text
    key = _post(deployment, "/v1/admin/keys", '{"role": "agent", "name": "\\ud83d"}', "admin")
    assert key.status_code == 400, key.text
    assert _post(deployment, "/v1/admin/keys", '{"role": "agent", "name": "\\ud83d\\ude00 desk"}', "admin").status_code == 201


def test_text_that_is_not_json_is_still_a_422(deployment) -> None:
    assert _post(deployment, "/v1/tickets", "{not json", "agent").status_code == 422
