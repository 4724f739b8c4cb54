"""Notifications about requests: webhooks and e-mail, through the outbox.

Nothing is sent while a request changes. The change writes `OutboxMessage`s
(`outbox`) to the store (`notifier`), and a worker delivers them later
(`worker`): webhooks as signed JSON POSTs (`webhooks`), e-mails over SMTP
(`mail`). A delivery that fails is retried with exponential backoff, so a
target that is down loses nothing. `config` says where notifications go.
"""
