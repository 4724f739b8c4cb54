"""`kb search` and `kb eval`: thin CLI over `SearchEngine` and `search.evaluation`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from kb.cli.options import (
    content_option,
    echo_json,
    index_option,
    json_option,
    on_terminal,
    progress_bar,
    settings_from,
)
from kb.records import printable, terminal_text


@click.command("search")
@click.argument("text")
@index_option
@content_option
@click.option("-k", "k", type=int, default=10, show_default=True, help="Results to return.")
@click.option("--department", default=None, help="Only this department's articles.")
@click.option("--tag", "tags", multiple=True, help="Only articles with this tag (repeatable).")
@click.option("--lang", default=None, help="Query language (default: detected).")
@json_option
@click.pass_context
def search_command(
    ctx: click.Context,
    text: str,
    index_dir: str | None,
    content_dir: str | None,
    k: int,
    department: str | None,
    tags: tuple[str, ...],
    lang: str | None,
    as_json: bool,
) -> None:
    """Search the knowledge base of every department."""
    from kb.results import Query
    from search.engine import SearchEngine

    settings = settings_from(ctx, index_dir=index_dir, content_dir=content_dir)
    try:
        query = Query(text, k=k, department=department, tags=tags, lang=lang)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    response = SearchEngine(settings).search(query)
    if as_json:
        echo_json(response.as_dict())
    else:
        _print_response(response.as_dict())


def _print_response(data: dict[str, Any]) -> None:
    state = "answered" if data["answered"] else "not answered"
    click.echo(
        f"{state} (confidence {data['confidence']:.2f}); route: {data['department']} "
        f"({data['department_confidence']:.2f}); language {data['lang']}"
    )
    if data["did_you_mean"]:
        click.echo(f"did you mean: {data['did_you_mean']}")
    if data["expanded_terms"]:
        click.echo(f"also searched: {', '.join(data['expanded_terms'])}")
    answer = data["answer"]
    # Titles and passages are the content owners' text: printed with no control
    # character that would drive the terminal (`kb.records.terminal_text`).
    if answer:
        title, said = printable(answer["title"]), terminal_text(answer["highlight"])
        click.echo(f"\nanswer from {title} ({answer['id']}):\n  {said}")
    click.echo("")
    for rank, hit in enumerate(data["results"], start=1):
        click.echo(
            f"{rank:>2}. {printable(hit['title'])}  [{hit['department']}] {hit['id']}"
            f"  {hit['score']:.4f}"
        )
        plain = hit["snippet"].replace("<mark>", "*").replace("</mark>", "*")
        click.echo(f"    {terminal_text(_unescape(plain))}")
    if not data["results"]:
        click.echo("no results")


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


@click.command("eval")
@click.option(
    "--queries",
    "queries_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Labelled queries (JSON lines: _id, text, optional lang, kind, department).",
)
@click.option(
    "--qrels",
    "qrels_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="Relevance judgements (TSV: query-id, corpus-id, score).",
)
@index_option
@content_option
@click.option(
    "--ids",
    "id_form",
    type=click.Choice(["path", "stem", "relative"]),
    default="path",
    show_default=True,
    help="How article ids meet corpus ids: the article path, its file name stem, or its "
    "path below the department folder.",
)
@click.option(
    "--runs-out",
    type=click.Path(dir_okay=False),
    help="Write one JSON line per query: _id, results, answered, confidence, department, "
    "answer (id, headings, passage, highlight).",
)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False),
    help="Answer labels (JSON lines: _id, answers [[article, heading], ...], phrases): "
    "measure how often the answer box quotes a passage that holds the answer.",
)
@click.option(
    "--half",
    type=click.Choice(["tune", "report"]),
    default=None,
    help="Only the queries of one half of the fixed split (search.splits); default: all.",
)
@json_option
@click.pass_context
def eval_command(
    ctx: click.Context,
    queries_file: str,
    qrels_file: str,
    index_dir: str | None,
    content_dir: str | None,
    id_form: str,
    runs_out: str | None,
    answers_file: str | None,
    half: str | None,
    as_json: bool,
) -> None:
    """Measure ranking, the answered decision and routing on a labelled query set."""
    from search.answer_quality import load_answer_labels
    from search.engine import SearchEngine
    from search.evaluation import ID_FORMS, evaluate, load_qrels, load_queries, run_queries
    from search.splits import only

    settings = settings_from(ctx, index_dir=index_dir, content_dir=content_dir)
    queries = only(half, load_queries(Path(queries_file)))
    labels = load_answer_labels(Path(answers_file)) if answers_file else None
    qrels = load_qrels(Path(qrels_file))
    engine = SearchEngine(settings)
    doc_id = ID_FORMS[id_form]
    search = engine.search
    if on_terminal(as_json) and queries:
        tick = progress_bar("searching", len(queries), "query")

        def search(query: Any) -> Any:
            response = engine.search(query)
            tick(1)
            return response

    runs = run_queries(search, queries, k=settings.max_k, doc_id=doc_id)
    langs = engine.document_languages()
    by_corpus_id = {doc_id(a): lang for a, lang in langs.items()}
    report = evaluate(
        queries, qrels, runs, doc_lang=by_corpus_id.get, answer_labels=labels, doc_id=doc_id
    )
    if runs_out:
        with open(runs_out, "w", encoding="utf-8") as fh:
            for run in runs:
                fh.write(json.dumps(run.as_dict(), ensure_ascii=False) + "\n")
    if as_json:
        echo_json(report.as_dict())
    else:
        _print_report(report.as_dict())


def _print_report(data: dict[str, Any]) -> None:
    def line(name: str, metrics: dict[str, Any]) -> None:
        shown = "  ".join(f"{k} {v}" for k, v in metrics.items())
        click.echo(f"{name:<14} {shown}")

    line("all", data["ranking"])
    for lang, metrics in data["by_language"].items():
        line(lang, metrics)
    for pair, metrics in data["cross_language"].items():
        line(pair, metrics)
    if data["answered"]:
        line("answered", data["answered"])
        for lang, metrics in data["answered_by_language"].items():
            line(f"answered {lang}", metrics)
    if data["suggested_threshold"] is not None:
        click.echo(
            f"{'calibration':<14} answer_threshold {data['suggested_threshold']} marks the "
            "most unanswerable queries unanswered with at most 10% of answerable ones"
        )
    if data["answer_passages"]:
        line("answer passage", data["answer_passages"])
        for lang, metrics in data["answer_passages_by_language"].items():
            line(f"answer {lang}", metrics)
    if data["routing"]:
        line("routing", data["routing"])
    line("latency ms", data["latency_ms"])


COMMANDS = [search_command, eval_command]
