"""Crash matrix for `onrecord ingest`: SIGKILL it at points across capture, transcription, claims and
indexing, resume it with --resume, and compare with an uninterrupted run; then fill the disk (tmpfs)
at a few sizes, make room and resume. Prints one JSON line.

For each point: the characters and utterances lost (said in the uninterrupted run, heard nowhere in
the resumed one) and duplicated (transcribed twice: overlapping utterances), whether catalog and index
agree, the final status, and `onrecord verify`. Goal: all zero lost, zero duplicated, verify OK.

    PYTHONPATH=. .venv/bin/python scripts/bench_faults.py [--file F] [--cut S] [--points N] [--no-disk]

`--cut S` kills ingests of the first S seconds of the file (stream copy), which is much quicker; the
disk-full runs always ingest the whole file (a cut would not fill the disk). Disk-full runs need root (tmpfs mounts); they are skipped, and say so, where mounting is not permitted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from capture.archive import load_manifest
from index.analyzer import has_content
from models import CatalogError, Utterance
from pipeline.sample import SAMPLE_DIR
from pipeline.services import Services
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

ONRECORD = [sys.executable, "-m", "pipeline.cli"]
STREAM = "bench"


@dataclass
class Progress:
    segments: int
    archived_s: float
    utterances: int
    claims: int
    watermark: float
    snapshots: int  # index saves seen so far (CURRENT rewritten)


Point = tuple[str, Callable[[Progress], bool]]


def _points(base: Progress, n: int) -> list[Point]:
    u = max(1, base.utterances)
    pts: list[Point] = [
        ("capture: first segment archived", lambda p: p.segments >= 1),
        ("capture: a third of the file archived", lambda p: p.archived_s >= base.archived_s / 3),
        ("transcription: first utterance", lambda p: p.utterances >= 1),
        ("transcription: first window committed", lambda p: p.watermark > 0),
        ("claims: 3 claims stored", lambda p: p.claims >= 3),
        ("indexing: second index snapshot", lambda p: p.snapshots >= 2),
        ("transcription: 40% of utterances", lambda p: p.utterances >= 0.4 * u),
        ("claims: half the claims", lambda p: p.claims >= max(1, base.claims // 2)),
        ("transcription: 80% of utterances", lambda p: p.utterances >= 0.8 * u),
        ("end: every utterance stored, not yet finished", lambda p: p.utterances >= u),
    ]
    return pts[:n]


def _services(data_dir: Path, env: dict[str, str]) -> Services:
    return Services(
        Settings(data_dir=data_dir, whisper_model=env["ONRECORD_WHISPER_MODEL"], embed_model=env["ONRECORD_EMBED_MODEL"])
    )


class Watcher:
    """Reads an ingest's progress from its catalog, archive and index folder while it runs."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir, self.services = data_dir, _services(data_dir, env)
        self._current: str | None = None
        self.snapshots = 0

    def read(self) -> Progress:
        try:
            return self._read()
        except CatalogError:  # the ingest is creating the catalog's tables right now: look again
            return Progress(0, 0.0, 0, 0, 0.0, self.snapshots)

    def _read(self) -> Progress:
        # the manifest is written after the ingest has created the catalog's tables: opening the catalog
        # earlier would race that creation
        if not (self.data_dir / "store" / "streams" / STREAM / "manifest.json").exists():
            return Progress(0, 0.0, 0, 0, 0.0, 0)
        current = self.data_dir / "index" / "CURRENT"
        name = current.read_text() if current.exists() else None
        if name != self._current:
            self._current, self.snapshots = name, self.snapshots + 1
        try:
            manifest = load_manifest(self.services.store, STREAM)
        except ValueError:  # caught between write and rename: the manifest is replaced atomically
            manifest = None
        catalog = self.services.catalog
        rows = catalog.ingests_of(STREAM)
        return Progress(
            len(manifest.segments) if manifest else 0,
            manifest.duration if manifest else 0.0,
            len(catalog.utterances(STREAM)),
            len(catalog.claims(stream_id=STREAM)),
            rows[-1].transcribed_t if rows else 0.0,
            self.snapshots,
        )


def _ingest(media: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [*ONRECORD, "ingest", str(media), "--stream", STREAM, *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)


def _kill_at(media: Path, env: dict[str, str], data_dir: Path, when: Callable[[Progress], bool]) -> Progress | None:
    """Run the ingest and SIGKILL it when `when` holds; the progress at the kill (None: it ended first)."""
    watcher = Watcher(data_dir, env)
    proc = subprocess.Popen(
        [*ONRECORD, "ingest", str(media), "--stream", STREAM], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None:
            progress = watcher.read()
            if when(progress):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return progress
            time.sleep(0.02)
        return None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def compare(base: list[Utterance], got: list[Utterance]) -> dict[str, int]:
    """Characters and utterances of `base` heard nowhere in `got` (lost), and of `got` heard twice."""
    lost_chars = lost_utts = 0
    for b in base:
        near = "".join(g.text for g in got if g.t0 < b.t1 + 0.5 and g.t1 > b.t0 - 0.5)
        if not near or fuzz.partial_ratio(b.text, near) < 70:
            lost_chars, lost_utts = lost_chars + len(b.text), lost_utts + 1
    dup_chars = dup_utts = 0
    for a, c in zip(got, got[1:], strict=False):
        if c.t0 < a.t1 - 0.3 or (c.text == a.text and c.t0 - a.t1 < 5):
            dup_chars, dup_utts = dup_chars + len(c.text), dup_utts + 1
    return {"lost_chars": lost_chars, "lost_utterances": lost_utts, "dup_chars": dup_chars, "dup_utterances": dup_utts}


def outcome(data_dir: Path, env: dict[str, str], base: list[Utterance]) -> dict[str, object]:
    services = _services(data_dir, env)
    utts = services.catalog.utterances(STREAM)
    indexed = services.index.load().doc_ids(STREAM)
    verify = subprocess.run(
        [*ONRECORD, "verify", "--stream", STREAM, "--json"], env={**env, "ONRECORD_DATA_DIR": str(data_dir)},
        capture_output=True, text=True,
    )
    report = json.loads(verify.stdout) if verify.stdout.strip() else {}
    stream = services.catalog.get_stream(STREAM)
    return {
        **compare(base, utts),
        "utterances": len(utts),
        "catalog_eq_index": indexed == {u.id for u in utts if has_content(u.text)},
        "status": stream.status.value if stream else None,
        "verify_ok": bool(report.get("ok")),
        "coverage": report.get("coverage"),
        "gaps": len(report.get("gaps", [])),
    }


def crash_matrix(media: Path, env: dict[str, str], work: Path, n: int) -> tuple[dict[str, object], list[dict[str, object]]]:
    base_dir = work / "baseline"
    t = time.monotonic()
    done = _ingest(media, {**env, "ONRECORD_DATA_DIR": str(base_dir)})
    if done.returncode != 0:
        raise SystemExit(f"the uninterrupted ingest failed: {done.stderr[-2000:]}")
    base_s = time.monotonic() - t
    watcher = Watcher(base_dir, env)
    final = watcher.read()
    base = watcher.services.catalog.utterances(STREAM)
    rows = []
    for i, (name, when) in enumerate(_points(final, n)):
        data_dir = work / f"kill{i}"
        run_env = {**env, "ONRECORD_DATA_DIR": str(data_dir)}
        at = _kill_at(media, run_env, data_dir, when)
        row: dict[str, object] = {"point": name, "killed": at is not None}
        if at is not None:
            row["at"] = {"segments": at.segments, "archived_s": round(at.archived_s, 1), "utterances": at.utterances,
                         "claims": at.claims, "watermark_s": round(at.watermark, 1)}
            refused = _ingest(media, run_env)  # without --resume: refuses, and marks the stream interrupted
            row["refused_without_resume"] = refused.returncode == 2
            row["read_before_resume"] = _services(data_dir, env).catalog.get_stream(STREAM).status.value  # type: ignore[union-attr]
            resumed = _ingest(media, run_env, "--resume")
            row["resume_rc"] = resumed.returncode
            if resumed.returncode != 0:
                row["resume_error"] = resumed.stderr.strip().splitlines()[-1:]
        row.update(outcome(data_dir, env, base))
        rows.append(row)
    return {"utterances": len(base), "claims": final.claims, "seconds": round(base_s, 1)}, rows


def disk_full(media: Path, env: dict[str, str], work: Path, base: list[Utterance], sizes: list[str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for size in sizes:
        mount = work / f"tmpfs-{size}"
        mount.mkdir()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True, text=True)
        if mounted.returncode != 0:
            return [{"skipped": f"cannot mount a tmpfs: {mounted.stderr.strip()}"}]
        try:
            data_dir = mount / "data"
            run_env = {**env, "ONRECORD_DATA_DIR": str(data_dir)}
            first = _ingest(media, run_env)
            errors = [ln for ln in first.stderr.splitlines() if ln.startswith("error:")]
            row: dict[str, object] = {"size": size, "rc": first.returncode, "error": errors[-1] if errors else None,
                                      "traceback": "Traceback" in first.stderr}
            row["after_full"] = {k: v for k, v in outcome(data_dir, env, base).items()
                                 if k in ("status", "verify_ok", "gaps", "utterances")}
            subprocess.run(["mount", "-o", "remount,size=256m", str(mount)], check=True)
            if first.returncode != 0:
                resumed = _ingest(media, run_env, "--resume")
                row["resume_rc"] = resumed.returncode
            row.update(outcome(data_dir, env, base))
            rows.append(row)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=SAMPLE_DIR / "sample_stream.mp4")
    ap.add_argument("--cut", type=float, default=None, help="use only the first S seconds of the file")
    ap.add_argument("--points", type=int, default=10, help="kill points (at most 10)")
    ap.add_argument("--disk", default="1m,2m,3m", help="tmpfs sizes for disk-full runs ('' for none)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    from index.e5_assets import ensure_e5_model
    from transcribe.whisper_assets import ensure_whisper_model

    models = Path(os.environ.get("ONRECORD_TEST_MODELS_DIR", work / "models"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
           "ONRECORD_WHISPER_MODEL": ensure_whisper_model("bundled", models),
           "ONRECORD_EMBED_MODEL": ensure_e5_model("bundled", models)}
    media = args.file
    if args.cut:
        media = work / f"cut{args.cut:g}.mp4"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(args.file), "-t", str(args.cut), "-c", "copy", str(media)], check=True)
    baseline, kills = crash_matrix(media, env, work, args.points)
    base = _services(work / "baseline", env).catalog.utterances(STREAM)
    # the disk fills only with the whole file: its baseline is a second uninterrupted run
    full_base = base
    if media != args.file and args.disk:
        done = _ingest(args.file, {**env, "ONRECORD_DATA_DIR": str(work / "baseline-full")})
        if done.returncode != 0:
            raise SystemExit(f"the uninterrupted ingest failed: {done.stderr[-2000:]}")
        full_base = _services(work / "baseline-full", env).catalog.utterances(STREAM)
    disks = disk_full(args.file, env, work, full_base, [s for s in args.disk.split(",") if s])
    killed = [r for r in kills if r["killed"]]
    summary = {
        "kills": len(killed),
        "lost_chars": sum(int(r["lost_chars"]) for r in kills),  # type: ignore[call-overload]
        "dup_chars": sum(int(r["dup_chars"]) for r in kills),  # type: ignore[call-overload]
        "all_verify_ok": all(r["verify_ok"] for r in kills + disks if "verify_ok" in r),
        "all_finished": all(r["status"] == "finished" for r in kills + disks if "status" in r),
        "all_catalog_eq_index": all(r["catalog_eq_index"] for r in kills + disks if "catalog_eq_index" in r),
    }
    print(json.dumps({"file": media.name, "baseline": baseline, "summary": summary, "kills": kills, "disk_full": disks},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
