"""How much one department file, or the value-stream file, may declare.

The catalogue page lists every request type of every department, and each
form shows every field and every choice: a file that declared thousands
would make those pages (and each search, which looks for the form a
question asks for) as large. These caps are far above what a department
needs (the sample departments declare at most a few types of a few fields);
a file past one gets a problem with its line, as any other mistake of the
file (`kb validate`, the setup panel of /manage, in the reader's language),
and

* a department's request types past `MAX_REQUEST_TYPES` are left out (the
  first ones, in the file's order, are used: `kb.catalogue.loading`);
* a form (a request type's or a value stream's) of more than `MAX_FIELDS`
  fields, or with a field of more than `MAX_CHOICES` choices, is a mistake
  of the form (`kb.catalogue.parsing`, `kb.catalogue.form_texts`): a request
  type is left out, a value-stream file does not load;
* a value-stream file with more than `MAX_VALUE_STREAMS` value streams does
  not load, as a value-stream file with any other mistake
  (`kb.requests.workflows`);
* a request type or value stream with more than `MAX_TRIGGERS` trigger
  phrases (all languages together) keeps the first ones, in the file's
  order, with a warning (`kb.catalogue.trigger_checks`): a form needs a few
  phrases that name its service, and hundreds of them made its department
  the answer to many questions it does not serve.

A trigger phrase of fewer than `MIN_TRIGGER_LETTERS` letters ("hr", "po")
carries no weight (`kb.catalogue.triggers.weightless`): it names no service
and began words of every kind of question.
"""

from __future__ import annotations

MAX_REQUEST_TYPES = 50
MAX_FIELDS = 30
MAX_CHOICES = 100
MAX_VALUE_STREAMS = 50
MAX_TRIGGERS = 40
MIN_TRIGGER_LETTERS = 3
