#!/bin/sh
# Does an index kept up to date incrementally answer like a fresh full build?
#
#   benchmarks/index_history.sh CONTENT WORK DEVSET [EMBEDDINGS_DB]
#
# CONTENT: a content folder with hr, facilities, finance, operations and it
# departments (the handbook laid out by benchmarks/handbook.py); WORK: an
# empty folder for the two indexes; DEVSET: the folder of queries.jsonl and
# qrels.tsv (the 18F development set); EMBEDDINGS_DB: an embedding cache to
# start from (optional; without it the model embeds everything twice).
# Builds WORK/fresh with one `kb index --full` and WORK/grown in five
# incremental runs (two departments held back, then added; ten articles
# changed; the it department removed; the changes undone and it re-added),
# checks that both hold the same content, runs `kb eval` on each and prints
# whether the two evaluations agree (latency aside). Exit 1 when they differ.
set -eu
CONTENT=$1 WORK=$2 DEVSET=$3 CACHE=${4:-}
PY=${PYTHON:-.venv/bin/python}
kb() { "$PY" -m kb "$@"; }
mkdir -p "$WORK/fresh/index" "$WORK/grown/index" "$WORK/held"
cp -r "$CONTENT" "$WORK/fresh/content"
if [ -n "$CACHE" ]; then cp "$CACHE" "$WORK/fresh/index/embeddings.db"; fi
kb index --content "$WORK/fresh/content" --index "$WORK/fresh/index" --full
cp "$WORK/fresh/index/embeddings.db" "$WORK/grown/index/"
G=$WORK/grown/content
cp -r "$CONTENT" "$G"
mv "$G/operations" "$G/finance" "$WORK/held/"
kb index --content "$G" --index "$WORK/grown/index"
mv "$WORK/held/operations" "$WORK/held/finance" "$G/"
kb index --content "$G" --index "$WORK/grown/index"
for f in $(find "$G/hr" "$G/facilities" -name '*.md' | sort | head -10); do
    cp "$f" "$f.orig"
    printf '\n\nThis page was reviewed.\n' >> "$f"
done
kb index --content "$G" --index "$WORK/grown/index"
mv "$G/it" "$WORK/held/it"
kb index --content "$G" --index "$WORK/grown/index"
for f in $(find "$G" -name '*.md.orig'); do mv "$f" "${f%.orig}"; done
mv "$WORK/held/it" "$G/it"
kb index --content "$G" --index "$WORK/grown/index"
diff -r "$WORK/fresh/content" "$G" > /dev/null
for b in fresh grown; do
    kb eval --queries "$DEVSET/queries.jsonl" --qrels "$DEVSET/qrels.tsv" --ids relative \
        --content "$WORK/$b/content" --index "$WORK/$b/index" --json > "$WORK/eval-$b.json"
done
"$PY" - "$WORK" <<'PY'
import json, sys
fresh, grown = (json.load(open(f"{sys.argv[1]}/eval-{b}.json")) for b in ("fresh", "grown"))
for run in (fresh, grown):
    run.pop("latency_ms", None)
for name, run in (("fresh", fresh), ("grown", grown)):
    en, answered = run["by_language"]["en"], run["answered"]
    print(f"{name}: English nDCG@10 {en['ndcg@10']}, AUC {answered['auc']}, "
          f"declined {answered['answerable_unanswered']}, routing {run['routing']['accuracy']}")
print("the same evaluation" if fresh == grown else "the evaluations differ")
sys.exit(0 if fresh == grown else 1)
PY
