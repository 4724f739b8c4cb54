"""Interface texts in every language, shared by the web app and e-mail.

The texts are gettext catalogues (`.po` files), one folder per language and
one file per area: `kb/i18n/locales/<lang>/` holds what the domain says to
people (`labels.po`: the words for statuses, priorities and other enums;
`mail.po`: notification e-mails), `webapp/locales/<lang>/` the web pages (one
file per audience). A msgid is the key the code uses, the msgstr the text;
`{name}` is filled in by the code. Adding a language is adding a folder of
`.po` files, which translators' tools read and write; no code changes.

`catalog` reads them (with Babel) and translates; `labels` gives each member
of a user-visible enum its one label, used by pages and e-mails alike.
"""
