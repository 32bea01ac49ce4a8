"""create_app: the settings it is given are honoured or refused, never ignored."""

from __future__ import annotations

import pytest

from winsms_emulator import EmulatorConfig, Gateway, ManualClock, SystemClock, create_app

KEY = {"Authorization": "hpotter-api-key"}


def test_without_a_gateway_the_config_chooses_the_clock_and_the_rest_shape() -> None:
    app = create_app(config=EmulatorConfig(clock="real", rest_dialect="current"))
    answer = app.test_client().get("/api/rest/v1/credits/balance", headers=KEY).get_json()
    assert "authResult" not in answer  # the current shape's envelope
    clock = app.test_client().get("/_emulator/clock").get_json()
    assert clock["mode"] == "real"


@pytest.mark.parametrize(
    ("config", "named"),
    [
        (EmulatorConfig(clock="real"), "clock"),
        (EmulatorConfig(rest_dialect="current"), "REST shape"),
    ],
)
def test_a_config_that_contradicts_the_gateway_given_is_refused(
    config: EmulatorConfig, named: str
) -> None:
    gateway = Gateway([], ManualClock(), default_rest_dialect="seed")
    with pytest.raises(ValueError, match=named):
        create_app(gateway, config)


def test_a_config_that_agrees_with_the_gateway_given_is_accepted() -> None:
    gateway = Gateway([], SystemClock(), default_rest_dialect="current")
    app = create_app(gateway, EmulatorConfig(clock="real", rest_dialect="current", strict=True))
    assert app.test_client().get("/_emulator/clock").get_json()["mode"] == "real"
