from huimin.cli import _resolve

COMMANDS = {"seed_demo", "supervision_verify_draw", "subsidy", "migrate"}


def test_cli_maps_hyphenated_verbs_to_management_commands():
    assert _resolve(["seed-demo", "--scale", "city"], COMMANDS) == ["seed_demo", "--scale", "city"]
    assert _resolve(["supervision", "verify-draw", "3"], COMMANDS) == [
        "supervision_verify_draw",
        "3",
    ]
    assert _resolve(["subsidy", "quote", "2024-01-01"], COMMANDS) == [
        "subsidy",
        "quote",
        "2024-01-01",
    ]
    assert _resolve(["migrate"], COMMANDS) == ["migrate"]
