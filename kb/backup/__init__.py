"""Backup and restore: `kb backup DIR` and `kb restore DIR`.

A backup folder holds everything needed to bring a knowledge base back:

    backup.json           what is inside, with a SHA-256 of every part (written last)
    database.jsonl.gz     every table of the store, exported in one consistent read
    content.tar.gz        the content folder
    attachments.tar.gz    the attached files, where they are kept as files
    snapshot/<name>/      the published index snapshot (or only its manifest)

`kb.backup.database` exports and imports the store; `kb.backup.folder` puts
the parts together; `kb.backup.restoring` takes them apart again, all or
nothing; `kb.backup.archive` is the API of both, `kb.backup.commands` the CLI.
"""
