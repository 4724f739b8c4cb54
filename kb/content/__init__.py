"""The content root: one folder per department, each file a would-be article.

Content owners write here; everything else reads it through this package:

- `files`: which files under the root are content, with ids and `stat`;
- `readers`: one table, keyed by file type, that turns a file into an
  `Article` or a `ContentError` (add a reader there for a new file type);
- `markdown_article` and `markdown_text`: the Markdown reader (front matter,
  sections, template tags);
- `departments`: `_department.yml` and the defaults of a folder without one;
- `scanner`: one pass over the root, problems recorded and the rest still
  read; `kb validate`, the indexer and the request side all use it.
"""
