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
