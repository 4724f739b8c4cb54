"""The words of the content root's own problems: department files, display
names, folders, duplicate ids, documents' sidecar files, the service
catalogue, the value-stream file and the settings file.

As `kb.content.problem_texts` (which takes these into its `TEXTS`), each kind
has a key and its English message and hint, which `kb validate`, the log and
the JSON API print as written here; a page words it from `problem_<key>` and
`problem_<key>_hint` in kb/i18n/locales/<lang>/problems.po. A text that is
`{detail}` alone frames a message written elsewhere (a request form's field,
a setting's check): its hint is said in the page's language, the message from
the error text the check names (`detail_key`, as a setting's check does) or,
without one, as written.
"""

from __future__ import annotations

_SHOWN = "; that name is left out and the department's name is shown"
_DISPLAY_HINT = "write {field}: {example}, one name per language code"
_AUDIENCE_HINT = "write {field}: {example}, one name per group and language code"
_LEFT_OUT = "fix it; the request type is left out of the catalogue until then"
_PHRASE_HINT = "write a phrase that names the service, such as 'new laptop', or drop it"

# Department files and folders (`kb.content.departments`, `kb.content.scanner`).
DEPARTMENT_TEXTS: dict[str, tuple[str, str]] = {
    "department_folder_name": (
        "a department folder's name may not hold a control character or any of {characters}",
        "rename the folder to a name such as hr or human-resources; "
        "its articles are left out until then",
    ),
    "triage_folder": (
        "{triage} is the triage department (setting triage_department), not a department folder",
        "rename the folder; its articles are left out until then",
    ),
    "department_name_shared": (
        "the department file's name {name} reads like the name of department {others}: two "
        "departments are never shown under one name, so this one is shown as {shown}",
        "give each department a name of its own in its department file",
    ),
    "department_name_of_queue": (
        "the department file's name {name} reads like the name of the triage queue, where "
        "questions no department owns go: this department is shown as {shown}",
        "give the department a name of its own in its department file",
    ),
    "department_not_utf8": ("department file is not UTF-8", "save it as UTF-8"),
    "department_yaml_invalid": (
        "department file is not valid YAML: {problem}",
        "fix the YAML; defaults are used until then",
    ),
    "department_not_mapping": ("department file must be a mapping", ""),
    "department_targets_not_mapping": (
        "'targets' must map first_response_hours and resolution_hours",
        "",
    ),
    "department_targets_not_hours": ("targets are not positive numbers of hours: {detail}", ""),
    "department_target_unknown": (
        "targets has no field {name}; it is ignored",
        "name the targets first_response_hours and resolution_hours",
    ),
    "department_flag": (
        "{name} must be true or false, got {value}",
        "write {name}: true or {name}: false",
    ),
    "operator_field": (
        "'{name}' is ignored: webhooks are set by the operator (settings webhooks and "
        "webhook_hosts), not in department files",
        "ask the operator to add the webhook; remove the field",
    ),
    "display_names_not_mapping": (
        "'{field}' must map language codes to names, got {value}" + _SHOWN,
        _DISPLAY_HINT,
    ),
    "display_names_language": (
        "{field}: {language} is not one of {languages}" + _SHOWN,
        _DISPLAY_HINT,
    ),
    "department_name_long": (
        "{field}: a name of more than {limit} characters is not used",
        "write a short name, as people read it beside every search result and in every queue",
    ),
    "display_names_not_line": (
        "{field}: the {language} name must be one line of text" + _SHOWN,
        _DISPLAY_HINT,
    ),
    "audience_names_not_mapping": (
        "'{field}' must map each group to its names by language code, got {value}; "
        "the group is shown as written",
        _AUDIENCE_HINT,
    ),
    "audience_name_language": (
        "{field}: {language} (group {group}) is not one of {languages}; "
        "that name is left out and the group is shown as written",
        _AUDIENCE_HINT,
    ),
    "audience_name_not_line": (
        "{field}: the {language} name of group {group} must be one line of text; "
        "that name is left out and the group is shown as written",
        _AUDIENCE_HINT,
    ),
    "audience_name_reserved": (
        "{field}: the {language} name {name} of group {group} reads like what pages call "
        "{reserved} in that language; that name is left out and the group is shown as written",
        "give the group a {language} name that no other group, department or role is shown by",
    ),
    "display_name_shared": (
        "the department file's {language} name {name} reads like the name of department {others} "
        "in that language: it is not used, so this department is shown as {shown} there",
        "give the department a {language} name of its own under {field}",
    ),
    "display_name_of_queue": (
        "the department file's {language} name {name} reads like the name of the triage queue "
        "in that language: it is not used, so this department is shown as {shown} there",
        "give the department a {language} name of its own under {field}",
    ),
    "department_twin": (
        "folders {folder} and {home} differ only in Unicode form (decomposed and composed "
        "letters, as macOS and Linux write them): both are department {slug}; the articles "
        "of both are read",
        "move the files of this folder into the other {home_name} and remove it",
    ),
    "department_twin_file": (
        "folders {folder} and {home} differ only in Unicode form (decomposed and composed "
        "letters, as macOS and Linux write them): both are department {slug}; the articles "
        "of both are read, the department file of {home} alone",
        "move the files of this folder into the other {home_name} and remove it",
    ),
    "duplicate_id": (
        "duplicate id: same article id as {other} (ids differ only in letter case or accents)",
        "rename one of the files",
    ),
    "folder_link": (
        "symbolic link to a folder; skipped",
        "put the folder itself in the content root, not a link to it",
    ),
    "related_missing": (
        "related article {id} does not exist",
        "fix the id (path below the content root)",
    ),
}

# A document's sidecar file and its department's defaults (`kb.content.documents`).
SIDECAR_TEXTS: dict[str, tuple[str, str]] = {
    "sidecar_not_utf8": ("sidecar file is not UTF-8", "save it as UTF-8"),
    "sidecar_yaml_invalid": (
        "sidecar file is not valid YAML: {problem}",
        "fix the YAML (one 'field: value' per line); the document is not indexed until then",
    ),
    "sidecar_not_mapping": (
        "sidecar file must be a mapping of field: value",
        "write one 'field: value' per line",
    ),
    "document_audience_unknown": (
        "the department file cannot be read, so the audience of its documents is unknown; the "
        "document is restricted to the department's content owners and admins until it is fixed",
        "fix the department file (kb validate names the problem)",
    ),
}

# The service catalogue in department files (`kb.catalogue.loading`).
CATALOGUE_TEXTS: dict[str, tuple[str, str]] = {
    "catalogue_entry": ("{detail}", _LEFT_OUT),
    "request_types_not_list": ("'request_types' must be a list", _LEFT_OUT),
    "request_types_too_many": (
        "'request_types' lists {count} request types; a department file has at most {limit}",
        "split the department's services, or drop some; until then those past the first "
        "{limit} are left out of the catalogue",
    ),
    "canned_replies_not_list": ("'canned_replies' must be a list", _LEFT_OUT),
    "canned_reply_twice": ("a second canned reply {id}", _LEFT_OUT),
    "top_requests_not_list": ("'top_requests' must be a list of ids", _LEFT_OUT),
    "top_requests_unknown": (
        "top_requests names {ids}, which no request type defines",
        "define each in this file's request_types, or as a value stream in the value-stream "
        "file (_workflows.yml in the content root, or the setting workflows_file), or drop it "
        "from top_requests; until then the department's card leaves it out",
    ),
    "top_requests_foreign": (
        "top_requests names {ids}, request types of {owners}; a department lists its own "
        "types and the value streams it has a task in",
        _LEFT_OUT,
    ),
    "request_type_shared": (
        "request type {id} is defined by {owners}; ids are unique across departments, so it "
        "is left out until one renames it",
        _LEFT_OUT,
    ),
    "trigger_too_short": (
        "request type {id}: trigger phrase {phrase} has fewer than {letters} letters, so it "
        "carries no weight: no question is offered the form or routed by it",
        _PHRASE_HINT,
    ),
    "trigger_common_words": (
        "request type {id}: trigger phrase {phrase} is made only of words any question may "
        "hold (such as how, my, the, for), so it carries no weight: no question is offered "
        "the form or routed by it",
        _PHRASE_HINT,
    ),
    "trigger_frequent_words": (
        "request type {id}: trigger phrase {phrase} is made only of everyday words (as common "
        "in any text as one word in 10,000, such as new, need, access), so it carries no "
        "weight: no question is offered the form or routed by it",
        _PHRASE_HINT,
    ),
    "stream_trigger_too_short": (
        "value stream {stream}: trigger phrase {phrase} has fewer than {letters} letters, so "
        "it carries no weight: no question is offered the form or routed by it",
        _PHRASE_HINT,
    ),
    "stream_trigger_common_words": (
        "value stream {stream}: trigger phrase {phrase} is made only of words any question "
        "may hold (such as how, my, the, for), so it carries no weight: no question is "
        "offered the form or routed by it",
        _PHRASE_HINT,
    ),
    "stream_trigger_frequent_words": (
        "value stream {stream}: trigger phrase {phrase} is made only of everyday words (as "
        "common in any text as one word in 10,000, such as new, need, access), so it carries "
        "no weight: no question is offered the form or routed by it",
        _PHRASE_HINT,
    ),
    "triggers_too_many": (
        "request type {id} lists {count} trigger phrases; a request type has at most {limit}",
        "keep the few that name its service; until then those past the first {limit} are left out",
    ),
    "request_type_taken": (
        "request type {id} is already defined by {owner}; ids are unique",
        _LEFT_OUT,
    ),
    "value_streams": (
        "{detail}",
        "fix it; until then a running server keeps the last good value streams",
    ),
    "value_streams_in_department": (
        "a value-stream file in a department folder is not read: value streams are read "
        "from {expected} only (the setting workflows_file; by default _workflows.yml in the "
        "content root)",
        "move its value streams into {expected}, with each owner and each task's department "
        "set to a department folder of this content, and delete this file",
    ),
    "settings": (
        "{detail}",
        "the last good notification settings stay in use until the file is fixed",
    ),
}

SETUP_TEXTS = {**DEPARTMENT_TEXTS, **SIDECAR_TEXTS, **CATALOGUE_TEXTS}
