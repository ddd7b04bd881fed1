"""docs/openapi.yaml is checked against the running server: every operation is called and every answer
must be a documented status with a body matching the documented schema."""
import gzip
import json

import jsonschema
import yaml
from openapi_spec_validator import validate as validate_spec

from conftest import KEY, REPO, free_port

SPEC = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text())


def resolve(node):
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/components/responses/"):
        node = SPEC["components"]["responses"][node["$ref"].rsplit("/", 1)[1]]
    return node


class Checker:
    def __init__(self, server):
        self.server = server
        self.called = set()

    def call(self, method, template, path=None, body=None, headers=None, key=None):
        status, answer = self.server.request(method, path or template, body=body, headers=headers, key=key, follow_redirects=False)
        operation = SPEC["paths"][template][method.lower()]
        responses = operation["responses"]
        assert str(status) in responses, f"{method} {path}: status {status} is not documented ({answer})"
        content = resolve(responses[str(status)]).get("content", {})
        media = next(iter(content.values()), None)
        if media and isinstance(answer, (dict, list)):
            schema = {**media["schema"], "components": SPEC["components"]}
            jsonschema.Draft202012Validator(schema).validate(answer)
        self.called.add((method.lower(), template))
        return status, answer


def test_the_description_is_valid_openapi():
    validate_spec(SPEC)


def test_every_operation_answers_as_documented(server):
    check = Checker(server)
    write = {"key": KEY}
    assert check.call("POST", "/worker/state", body={"id": "Importer01", "group": "product.importer", "event": "started",
                                                     "at": "now", "ttl": 60, "host": "h1", "pid": 7, "version": "1",
                                                     "labels": {"team": "data"}}, **write)[0] == 200
    check.call("POST", "/worker/state", body={"id": "Importer01", "group": "product.importer", "event": "message",
                                              "message": "importing"}, **write)
    check.call("POST", "/worker/state", body={"id": "Importer01", "group": "product.importer", "event": "error",
                                              "message": "bad row", "action": "skipped"}, **write)
    check.call("POST", "/worker/state", body={"id": "Promo01", "group": "price.promotion", "event": "stopped",
                                              "exit_code": 2, "at": 1800000000 - 10**8}, **write)
    ndjson = "\n".join(json.dumps({"id": f"b{i}", "group": "batch", "event": "heartbeat"}) for i in range(5)).encode()
    assert check.call("POST", "/events", body=gzip.compress(ndjson), headers={"Content-Encoding": "gzip"}, **write)[1]["accepted"] == 5
    check.call("POST", "/events", body=[{"id": "c", "group": "batch", "event": "started"}, {"id": "d"}], **write)

    assert check.call("GET", "/workers", "/workers?id=*&group=product&status=running&limit=5")[0] == 200

    push = "/metrics/job/{job}/instance/{instance}"
    exposition = b"# TYPE backup_rows_total counter\nbackup_rows_total 3\n"
    assert check.call("PUT", push, "/metrics/job/backup/instance/db1", body=exposition, headers={"Wokmanager-TTL": "5m"}, **write)[0] == 200
    assert check.call("POST", push, "/metrics/job/backup/instance/db1", body=b"broken{\n", **write)[0] == 400
    assert check.call("DELETE", push, "/metrics/job/backup/instance/db1", **write)[1]["stopped"] is True
    check.call("GET", "/workers", "/workers?limit=1")
    assert check.call("GET", "/workers/{id}", "/workers/Importer01")[0] == 200
    check.call("GET", "/domains")
    assert check.call("GET", "/errors", "/errors?group=product&since=2000-01-01T00:00:00Z")[1]["errors"]
    check.call("GET", "/events", "/events?worker=Importer01&event=started,message")
    series = check.call("GET", "/series", "/series?group=product&span=hour")[1]
    assert (series["group"], series["resolution"], series["step"]) == ("product", 60, 60), series
    check.call("GET", "/healthz")
    check.call("GET", "/metrics")
    assert check.call("GET", "/", "/?group=product&status=running&q=Imp")[0] == 200
    assert check.call("GET", "/ui/workers/{id}", "/ui/workers/Importer01")[0] == 200
    assert check.call("GET", "/static/{file}", "/static/style.css")[0] == 200
    # Promo01's failed stop opened a problem; it is acknowledged, and deregistering the worker resolves it.
    [failed] = check.call("GET", "/problems", "/problems?kind=failed,lost&group=price&state=open&since=2000-01-01T00:00:00Z&limit=10")[1]["problems"]
    assert check.call("GET", "/problems/{id}", f"/problems/{failed['id']}")[1]["worker"] == "Promo01"
    acknowledged = check.call("POST", "/problems/{id}/acknowledge", f"/problems/{failed['id']}/acknowledge", body={"note": "on it"}, **write)[1]
    assert acknowledged["state"] == "acknowledged"
    assert check.call("PUT", "/expectations/{scope}/{name}", "/expectations/group/ops.backup",
                      body={"min_running": 2, "max_running": 4, "grace": "10m", "max_runtime": 7200, "resolve_after": "1d",
                            "failures": "3 in 1h"}, **write)[0] == 200
    assert check.call("PUT", "/expectations/{scope}/{name}", "/expectations/worker/nightly", body={"every": "1h", "max_runtime": None}, **write)[0] == 200
    assert len(check.call("GET", "/expectations")[1]["expectations"]) == 2
    assert check.call("GET", "/expectations/{scope}/{name}", "/expectations/group/ops%2Ebackup")[1]["min_running"] == 2
    silence = check.call("POST", "/silences", body={"group": "price", "until": "2h", "note": "upgrade"}, **write)[1]
    check.call("POST", "/silences", body={"worker": "Importer01", "until": "2099-01-01T00:00:00Z"}, **write)
    assert check.call("GET", "/problems", "/problems?state=all")[1]["problems"][0]["silenced_by"] == silence["id"]
    assert check.call("DELETE", "/silences/{id}", f"/silences/{silence['id']}", **write)[0] == 200
    assert len(check.call("GET", "/silences")[1]["silences"]) == 1
    assert len(check.call("GET", "/silences", "/silences?all=true")[1]["silences"]) == 2
    assert check.call("DELETE", "/expectations/{scope}/{name}", "/expectations/worker/nightly", **write)[0] == 200
    assert check.call("DELETE", "/workers/{id}", "/workers/Promo01", **write)[0] == 200
    assert check.call("GET", "/problems/{id}", f"/problems/{failed['id']}")[1]["state"] == "resolved"
    # Webhooks: one signed with its group and kinds, one whose receiver's port is closed (a test send to it is
    # a 200 that says it was not delivered, and is in the delivery log).
    oncall = check.call("PUT", "/webhooks/{name}", "/webhooks/oncall", body={"url": "https://hooks.example.com/wok", "group": "product",
                                                                           "kinds": ["lost", "failed"], "secret": "s3cret"}, **write)[1]
    assert oncall["signed"] is True and "secret" not in oncall and oncall["kinds"] == ["failed", "lost"]
    closed = f"http://127.0.0.1:{free_port()}/hook"
    assert check.call("PUT", "/webhooks/{name}", "/webhooks/closed", body={"url": closed, "format": "json", "group": None}, **write)[1]["group"] is None
    listed = check.call("GET", "/webhooks", **write)[1]["webhooks"]
    assert [(webhook["name"], webhook["signed"]) for webhook in listed] == [("closed", False), ("oncall", True)]
    sent = check.call("POST", "/webhooks/{name}/test", "/webhooks/closed/test", **write)[1]
    assert (sent["delivered"], sent["status_code"], sent["webhook"], sent["notifications"]) == (False, None, "closed", []) and sent["error"]
    [logged] = check.call("GET", "/webhooks/{name}/deliveries", "/webhooks/closed/deliveries?limit=5", **write)[1]["deliveries"]
    assert (logged["delivered"], logged["error"], logged["at"]) == (False, sent["error"], sent["at"])
    assert check.call("DELETE", "/webhooks/{name}", "/webhooks/closed", **write)[1] == {"name": "closed", "deleted": True}

    # What a client can get wrong answers as documented, too.
    assert check.call("POST", "/worker/state", body={"id": "x", "group": "g", "event": "nope"}, **write)[0] == 400
    assert check.call("POST", "/worker/state", body={"id": "x", "group": "g", "event": "started"})[0] == 401
    assert check.call("POST", "/worker/state", body=b"{" + b" " * 70_000 + b"}", **write)[0] == 413
    assert check.call("POST", "/events", body=b"[oops", **write)[0] == 400
    assert check.call("POST", "/events", body=b"x", headers={"Content-Encoding": "br"}, **write)[0] == 415
    assert check.call("GET", "/workers", "/workers?status=asleep")[0] == 400
    assert check.call("GET", "/workers/{id}", "/workers/nobody")[0] == 404
    assert check.call("DELETE", "/workers/{id}", "/workers/nobody", **write)[0] == 404
    assert check.call("GET", "/errors", "/errors?limit=5000")[0] == 400
    assert check.call("GET", "/series", "/series?group=product.*")[1]["error"]["field"] == "group"
    assert check.call("GET", "/series", "/series?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")[1]["error"]["field"] == "to"
    assert check.call("GET", "/events", "/events?since=later")[0] == 400
    assert check.call("GET", "/events", "/events?event=exploded")[0] == 400
    assert check.call("GET", "/", "/?status=sleeping")[0] == 400
    assert check.call("GET", "/ui/workers/{id}", "/ui/workers/nobody")[0] == 404
    assert check.call("GET", "/static/{file}", "/static/nope.css")[0] == 404
    assert check.call("GET", "/problems", "/problems?kind=sleepy")[0] == 400
    assert check.call("GET", "/problems/{id}", "/problems/abc")[0] == 400
    assert check.call("GET", "/problems/{id}", "/problems/999999")[0] == 404
    assert check.call("POST", "/problems/{id}/acknowledge", f"/problems/{failed['id']}/acknowledge", body={}, **write)[0] == 409
    assert check.call("POST", "/problems/{id}/acknowledge", "/problems/999999/acknowledge", **write)[0] == 404
    assert check.call("POST", "/problems/{id}/acknowledge", f"/problems/{failed['id']}/acknowledge", body={"note": 3}, **write)[0] == 400
    assert check.call("POST", "/problems/{id}/acknowledge", f"/problems/{failed['id']}/acknowledge")[0] == 401
    assert check.call("PUT", "/expectations/{scope}/{name}", "/expectations/group/ops", body={"failures": "three"}, **write)[1]["error"]["field"] == "failures"
    assert check.call("PUT", "/expectations/{scope}/{name}", "/expectations/galaxy/ops", body={"min_running": 1}, **write)[0] == 400
    assert check.call("PUT", "/expectations/{scope}/{name}", "/expectations/group/ops", body={"min_running": 1})[0] == 401
    assert check.call("GET", "/expectations/{scope}/{name}", "/expectations/worker/nobody")[0] == 404
    assert check.call("DELETE", "/expectations/{scope}/{name}", "/expectations/worker/nobody", **write)[0] == 404
    assert check.call("GET", "/silences", "/silences?all=maybe")[0] == 400
    assert check.call("POST", "/silences", body={"group": "price", "until": "2001-01-01T00:00:00Z"}, **write)[1]["error"]["field"] == "until"
    assert check.call("POST", "/silences", body={"group": "price", "until": "2h"})[0] == 401
    assert check.call("DELETE", "/silences/{id}", f"/silences/{silence['id']}", **write)[0] == 404
    assert check.call("PUT", "/webhooks/{name}", "/webhooks/oncall", body={"url": "ftp://example.com/x"}, **write)[1]["error"]["field"] == "url"
    assert check.call("PUT", "/webhooks/{name}", "/webhooks/oncall", body={"url": "https://example.com", "format": "xml"}, **write)[1]["error"]["field"] == "format"
    assert check.call("PUT", "/webhooks/{name}", "/webhooks/bad%20name", body={"url": "https://example.com"}, **write)[1]["error"]["field"] == "name"
    assert check.call("PUT", "/webhooks/{name}", "/webhooks/oncall", body={"url": "https://example.com"})[0] == 401
    assert check.call("GET", "/webhooks")[0] == 401
    assert check.call("GET", "/webhooks/{name}/deliveries", "/webhooks/oncall/deliveries?limit=0", **write)[1]["error"]["field"] == "limit"
    for method, template in [("DELETE", "/webhooks/{name}"), ("GET", "/webhooks/{name}/deliveries"), ("POST", "/webhooks/{name}/test")]:
        status, answer = check.call(method, template, template.replace("{name}", "closed"), **write)
        assert (status, answer["error"]["field"]) == (404, "name"), (method, template, answer)

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert check.call("GET", "/sign-in", "/sign-in?next=/")[0] == 200
    assert check.call("POST", "/sign-in", body=b"api-key=x&csrf=y", headers=form)[0] == 403, "no form cookie"
    assert check.call("POST", "/sign-out", body=b"csrf=y", headers=form)[0] == 403
    assert check.call("POST", "/ui/problems/{id}/acknowledge", "/ui/problems/1/acknowledge", body=b"csrf=y", headers=form)[0] == 303
    assert check.call("POST", "/ui/silences", body=b"csrf=y", headers=form)[0] == 303
    assert check.call("GET", "/ui/workers/{id}/deregister", "/ui/workers/w1/deregister")[0] == 303
    assert check.call("POST", "/ui/workers/{id}/deregister", "/ui/workers/w1/deregister", body=b"csrf=y", headers=form)[0] == 303

    documented = {(method, path) for path, item in SPEC["paths"].items() for method in item if method not in ("parameters", "description")}
    assert check.called == documented
