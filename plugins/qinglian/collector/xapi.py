"""Records as xAPI statements, for a learning record store or any xAPI tool.

Statements follow xAPI 1.0.3 and validate against the 1.0.2 JSON schema. They
carry no ``version`` (that schema pins 1.0.2; an LRS sets its own) and no
``stored``: the spec reserves it for the LRS, which ignores a client's value, so
the collector's receive time travels as the context extension ``RECEIVED``.
"""

from __future__ import annotations

from urllib.parse import quote

from .store import StoredRecord

RECEIVED = "urn:qinglian:xapi:received"

_VERBS = {
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "通过", "passed"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "未通过", "failed"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "完成", "completed"),
    # a step opened but not yet done
    "progressed": ("http://adlnet.gov/expapi/verbs/progressed", "进行中", "progressed"),
    "agreed": ("http://activitystrea.ms/schema/1.0/agree", "签署", "agreed"),
}


def statement(stored: StoredRecord) -> dict:
    """Return the xAPI statement of one stored record (its id is the record's id)."""
    record = stored.record
    verb, activity, names = _ACTIVITIES[record["kind"]](record)
    verb_id, zh, en = _VERBS[verb]
    result = {
        "id": record["id"],
        "actor": _actor(record),
        "verb": {"id": verb_id, "display": {"zh-CN": zh, "en-US": en}},
        "object": {
            "objectType": "Activity",
            "id": f"urn:qinglian:{record['site']}:{record['kind']}:{activity}",
            "definition": {"name": {"zh-CN": names[0], "en-US": names[1]}},
        },
        "context": {"platform": "Qinglian", "extensions": {RECEIVED: stored.received}},
        "timestamp": record["created"],
    }
    if "attempt" in record:
        score = record["attempt"]["score"]
        result["result"] = {"score": {"scaled": score / 100, "raw": score, "min": 0, "max": 100},
                            "success": record["attempt"]["passed"]}
    return result


def _actor(record: dict) -> dict:
    person = record["person"]
    if "department" in person:
        name, account = person["name"], person["staff_id"]
    elif "relationship" in person:
        name, account = person["name"], f"family:{person['staff_id']}:{person['name']}"
    else:
        # a company signs through its representative
        name = f"{person['company']}（{person['representative']}）"
        account = person["credit_code"]
    return {"objectType": "Agent", "name": name,
            "account": {"homePage": f"urn:qinglian:site:{record['site']}", "name": account}}


def _pledge(record: dict) -> tuple[str, str, tuple[str, str]]:
    pledge = record["pledge"]
    return ("agreed", f"{pledge['id']}:{quote(pledge['version'], safe='')}",
            (f"承诺书 {pledge['id']}（第 {pledge['version']} 版）",
             f"Pledge {pledge['id']}, version {pledge['version']}"))


def _attempt(record: dict) -> tuple[str, str, tuple[str, str]]:
    attempt = record["attempt"]
    return ("passed" if attempt["passed"] else "failed", attempt["quiz_id"],
            (f"测验 {attempt['quiz_id']}", f"Quiz {attempt['quiz_id']}"))


def _progress(record: dict) -> tuple[str, str, tuple[str, str]]:
    progress = record["progress"]
    # the step is free text (a page, a title): quoted, so the activity id stays one IRI
    return ("completed" if progress["done"] else "progressed",
            f"{progress['path']}:{quote(progress['step'], safe='')}",
            (f"学习路径 {progress['path']}：{progress['step']}",
             f"Learning path {progress['path']}: {progress['step']}"))


_ACTIVITIES = {"pledge": _pledge, "attempt": _attempt, "progress": _progress}
