"""The OpenAPI schema documents every endpoint's error responses."""


def test_schema_and_docs_are_served(client, db):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "惠民 Huimin API"


def test_every_operation_with_input_documents_422_and_authenticated_ones_401(client, db):
    schema = client.get("/api/openapi.json").json()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            takes_input = operation.get("parameters") or operation.get("requestBody")
            needed = {"422"} if takes_input else set()
            if operation.get("security"):
                needed.add("401")
            if not needed <= codes:
                missing.append((method, path, sorted(needed - codes)))
    assert missing == []


def test_a_body_that_is_not_json_is_a_422_in_the_error_shape(client, wanrong_official):
    """Found by the API fuzzing: ninja answered 400 ``Cannot parse request body``, a status
    no operation documents and a body without ``code``."""
    client.force_login(wanrong_official)

    response = client.post("/api/people", b"\xff{", content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "请求参数有误：请求体不是有效的 JSON。",
        "code": "invalid",
        "errors": [],
    }
