"""The administrators' accounts page: `/accounts/` lists accounts and their roles,
`/accounts/<username>` grants and revokes one with a reason and shows the
account's grant history (`routes`, blueprint `accounts`); `api` (blueprint
`accounts_api`) is the same for programs, under /api/accounts, described in
`webapp.openapi.accounts`. The rules are the
command line's (`kb.accounts.roles`, `kb.accounts.directory`); its texts are
`webapp/locales/<lang>/accounts.po`.
"""
