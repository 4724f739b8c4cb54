"""Text and structure from the documents departments already keep.

PDF, Word (DOCX), OpenDocument text (ODT), HTML and plain text files become an
`ExtractedDocument`: title, language, author, date modified, and sections with
their heading path, lists and tables, page numbers and section numbers for
citations. The package depends on nothing else of spoc-kb but its error base,
so the indexer and request attachments share it:

    from kb.extract import DocumentReader, Limits
    with DocumentReader(Limits(), cache_path=Path("var/extractions.db")) as reader:
        document = reader.read(data, "travel-policy.pdf")   # or ExtractionError

`DocumentReader` caches by content hash and runs extraction in worker
processes under a time and memory budget (`kb.extract.sandbox`); `extract`
runs it in-process for trusted input. Modules: `document` (the records),
`base` (limits and problems), `factory` (formats, type checks, dispatch), one
module per format (`pdf`, `word`, `odt`, `html_pages`, `plain_text`),
`structure` (sections from headings and blocks), `zipped` (zip-bomb checks),
`sandbox` and `worker`, `cache`, `reader`, `render` (HTML for display).
"""

from kb.extract.base import ExtractionError, Limits
from kb.extract.document import Block, BlockKind, DocumentSection, ExtractedDocument
from kb.extract.factory import FORMATS, UNSUPPORTED, Format, extract, format_for, sniff_format
from kb.extract.reader import DocumentReader
from kb.extract.render import document_html

__all__ = [
    "FORMATS",
    "UNSUPPORTED",
    "Block",
    "BlockKind",
    "DocumentReader",
    "DocumentSection",
    "ExtractedDocument",
    "ExtractionError",
    "Format",
    "Limits",
    "document_html",
    "extract",
    "format_for",
    "sniff_format",
]
