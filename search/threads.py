"""How many threads torch and FAISS may use per call in a searching process."""

from __future__ import annotations


def limit_threads(count: int) -> None:
    """Let torch and FAISS use `count` threads per call (process-wide).

    Both parallelise a single query over all cores by default; on a busy
    server that costs far more in thread hand-offs than it gains: on two loaded
    cores one query's embedding took 490 ms with torch's default threads and
    16 ms with one, and a 100k-passage FAISS search 56 ms against 11 ms;
    under gunicorn, two workers each with one thread per core searched in
    ~900 ms against ~70 ms with one thread each. Concurrent requests still use
    every core. This is the one place the product sets these thread counts."""
    import faiss
    import torch

    torch.set_num_threads(count)
    faiss.omp_set_num_threads(count)
