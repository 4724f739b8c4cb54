"""Insights: where the knowledge base fails, and whether the gaps get closed.

`clustering` groups failed questions into topics across languages and
wordings, `vectors` turns question texts into the vectors it clusters,
`labels` names a topic, `privacy` masks personal data in stored question
texts and applies the minimum-people rule, `charts` draws the server-side SVG
charts the insights pages show.
"""
