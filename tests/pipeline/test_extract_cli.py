"""`onrecord extract` through the real command, rules only (no model load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_extract_jsonl_contract_shape(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "下单后四十八小时内发货，全国包邮"}, {"id": 7, "text": "今天天气不错"},
             {"id": "c", "text": "不支持七天无理由退货，加主播微信"}]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    env = {**os.environ, "ONRECORD_DATA_DIR": str(tmp_path / "d")}
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", "--jsonl", str(src), "--rules-only"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert {"type": "shipping"}.items() <= out[0]["claims"][0].items()
    assert out[0]["claims"][0]["value"].get("within_hours") == 48
    assert out[1]["claims"] == [] and out[1]["risks"] == []
    assert not any(c["type"] == "return_policy" for c in out[2]["claims"])  # negated
    assert any(r["rule"] == "off_platform" for r in out[2]["risks"])
    assert set(out[0]) == {"id", "claims", "risks"} and set(out[0]["claims"][0]) == {"type", "quote", "value"}
