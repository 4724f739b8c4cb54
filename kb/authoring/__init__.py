"""Authoring: content owners write, review, publish and retire articles in the browser.

The content folder stays the source of truth: every change is written to the
article's Markdown file (atomically, after the same checks as `kb validate`),
and every change is also a version in the store with its author, time and
message, so history, diffs and restores work on SQLite and PostgreSQL alike.

- `records`: `ArticleVersion`, the `Action` that made it, and `ArticleFields`
  (the front-matter fields and body a form or the API sends);
- `markdown_file`: fields to Markdown text and back, checked like `kb validate`;
- `files`: which file an id names (department folder, slug rules), the edit
  lock, atomic writes;
- `store`: the `VersionStore` protocol (SQL in `kb.store.sql_versions`);
- `service`: `AuthoringService`, the one place edits are checked, written and
  recorded (permissions, stale edits, the four-eyes rule);
- `diff`: a readable line diff of two versions;
- `reviews`: articles due for review, and the weekly digest.
"""
