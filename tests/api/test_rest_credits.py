"""REST v1 credit balance, sub-accounts and credit transfers."""

from __future__ import annotations

from typing import Any

import pytest
from rest_helpers import N1, START_STAMP, Rest, make_current, make_rest

BALANCE = "/credits/balance"
TRANSFER = "/credits/transfer"
SUBACCOUNTS = "/subaccounts"


def transfer_body(sending: Any, receiving: Any, quantity: Any) -> dict[str, Any]:
    return {
        "sendingAccountNumber": sending,
        "receivingAccountNumber": receiving,
        "transferQuantity": quantity,
    }


def credits_of(rest: Rest, *users: str) -> list[float]:
    return [rest.account(user)["credits"] for user in users]


def family(rest: Rest) -> tuple[int, int, int, int]:
    """hpotter (1000) with subs ron (50) and ginny (20), and a stranger main draco (70)."""
    main = rest.account()["account_number"]
    ron = rest.add_account("ron", parent="hpotter", credits=50)["account_number"]
    ginny = rest.add_account("ginny", parent="hpotter", credits=20)["account_number"]
    draco = rest.add_account("draco", credits=70)["account_number"]
    return main, ron, ginny, draco


# -- balance ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "reported"),
    [(1000, 1000.0), (96.4, 96.4), (0.05, 0.1), (0.04, 0.0), (9.75, 9.8), (9.25, 9.3)],
)
def test_the_balance_is_reported_to_one_decimal_in_both_shapes(
    credits: float, reported: float
) -> None:
    rest = make_rest()
    rest.patch_account(credits=credits)

    seed = rest.get(BALANCE, status=200, schema="SeedBalanceResponse").body["creditBalance"]
    rest.patch_account(rest_dialect="current")
    current = rest.get(BALANCE, status=200, schema="CurrentBalanceResponse").body["creditBalance"]

    assert (seed, current) == (reported, reported)


def test_a_quarter_credit_send_from_ten_leaves_9_8_reported() -> None:
    rest = make_current()
    rest.patch_account(credits=10, price_per_part=0.25)

    (result,) = rest.send_current("Hi", N1)

    assert (result["creditCost"], result["newCreditBalance"]) == (0.25, 9.8)
    assert rest.balance() == 9.8
    assert rest.account()["credits"] == 9.75


# -- sub-accounts -----------------------------------------------------------------------------


def test_subaccounts_lists_the_main_accounts_own_subs_in_the_current_shape() -> None:
    rest = make_rest()
    ron = rest.add_account(
        "ron", parent="hpotter", credits=50.25, first_name="Ron", surname="Weasley"
    )
    ginny = rest.add_account(
        "ginny", parent="hpotter", credits=0, first_name="Ginny", surname="Weasley"
    )
    rest.add_account("draco", credits=70)
    rest.add_account("crabbe", parent="draco")

    answer = rest.get(SUBACCOUNTS, status=200, schema="SubAccountsResponse")

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "subAccounts": [
            {
                "accountNumber": ron["account_number"],
                "creditBalance": 50.3,
                "firstName": "Ron",
                "loginName": "ron",
                "surname": "Weasley",
            },
            {
                "accountNumber": ginny["account_number"],
                "creditBalance": 0.0,
                "firstName": "Ginny",
                "loginName": "ginny",
                "surname": "Weasley",
            },
        ],
    }
    assert ron["account_number"] != ginny["account_number"]


def test_a_sub_account_and_a_main_account_without_subs_list_none() -> None:
    rest = make_rest()
    rest.add_account("ron", parent="hpotter")
    rest.add_account("draco")

    as_sub = rest.get(SUBACCOUNTS, key="ron-key", status=200).body["subAccounts"]
    lonely = rest.get(SUBACCOUNTS, key="draco-key", status=200).body["subAccounts"]

    assert (as_sub, lonely) == ([], [])


# -- transfers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "receiver", "quantity", "after"),
    [
        ("main", "ron", 100, [900.0, 150.0, 20.0]),
        ("ron", "main", 50, [1050.0, 0.0, 20.0]),
        ("ron", "ginny", 30, [1000.0, 20.0, 50.0]),
        ("ginny", "ron", 20, [1000.0, 70.0, 0.0]),
    ],
)
def test_the_main_accounts_key_moves_credits_within_its_family(
    sender: str, receiver: str, quantity: int, after: list[float]
) -> None:
    rest = make_rest()
    main, ron, ginny, _ = family(rest)
    numbers = {"main": main, "ron": ron, "ginny": ginny}

    answer = rest.post(
        TRANSFER,
        transfer_body(numbers[sender], numbers[receiver], quantity),
        status=200,
        schema="CreditTransferResponse",
    )

    assert answer.body == {
        "timeStamp": START_STAMP,
        "version": "1.0",
        "statusCode": 200,
        "transferSuccessful": True,
    }
    assert credits_of(rest, "hpotter", "ron", "ginny") == after
    assert rest.balance("ron-key") == after[1]


def test_a_transfer_keeps_fractions_exact() -> None:
    rest = make_rest()
    rest.patch_account(credits=10.25)
    main, ron, _, _ = family(rest)

    rest.post(TRANSFER, transfer_body(main, ron, 10), status=200)

    assert credits_of(rest, "hpotter", "ron") == [0.25, 60.0]
    assert rest.balance() == 0.3


@pytest.mark.parametrize(("sender", "quantity"), [("main", 1001), ("ron", 51), ("ginny", 21)])
def test_too_few_credits_is_200_and_not_successful_and_moves_nothing(
    sender: str, quantity: int
) -> None:
    rest = make_rest()
    main, ron, ginny, _ = family(rest)
    numbers = {"main": main, "ron": ron, "ginny": ginny}
    receiver = ron if sender != "ron" else main

    answer = rest.post(TRANSFER, transfer_body(numbers[sender], receiver, quantity), status=200)

    assert answer.body["transferSuccessful"] is False
    assert credits_of(rest, "hpotter", "ron", "ginny") == [1000.0, 50.0, 20.0]


def test_a_transfer_of_the_whole_balance_succeeds() -> None:
    rest = make_rest()
    _, ron, ginny, _ = family(rest)

    answer = rest.post(TRANSFER, transfer_body(ginny, ron, 20), status=200)

    assert answer.body["transferSuccessful"] is True
    assert credits_of(rest, "ron", "ginny") == [70.0, 0.0]


@pytest.mark.parametrize(
    "case",
    [
        "unknown sender",
        "unknown receiver",
        "stranger receiver",
        "stranger sender",
        "same account",
    ],
)
def test_a_transfer_outside_the_family_or_to_nowhere_is_422(case: str) -> None:
    rest = make_rest()
    main, ron, _, draco = family(rest)
    body = {
        "unknown sender": transfer_body(99999, ron, 1),
        "unknown receiver": transfer_body(main, 99999, 1),
        "stranger receiver": transfer_body(main, draco, 1),
        "stranger sender": transfer_body(draco, main, 1),
        "same account": transfer_body(ron, ron, 1),
    }[case]

    answer = rest.post(TRANSFER, body, status=422, schema="ErrorDetails")

    assert answer.message
    assert credits_of(rest, "hpotter", "ron", "draco") == [1000.0, 50.0, 70.0]


@pytest.mark.parametrize("quantity", [0, -5, 1.5, "10", None])
def test_a_transfer_quantity_that_is_not_a_positive_whole_number_is_422(quantity: Any) -> None:
    rest = make_rest()
    main, ron, _, _ = family(rest)

    answer = rest.post(
        TRANSFER,
        transfer_body(main, ron, quantity),
        valid_request=False,
        status=422,
        schema="ErrorDetails",
    )

    assert "'transferQuantity' field" in answer.message, answer.message
    assert credits_of(rest, "hpotter", "ron") == [1000.0, 50.0]


@pytest.mark.parametrize(
    "body",
    [{}, [], {"sendingAccountNumber": 10001}, transfer_body("10001", 10002, 1)],
)
def test_a_transfer_body_that_is_not_a_transfer_is_422(body: Any) -> None:
    rest = make_rest()
    family(rest)

    rest.post(TRANSFER, body, valid_request=False, status=422, schema="ErrorDetails")


def test_a_sub_accounts_key_moves_only_its_own_credits() -> None:
    rest = make_rest()
    main, ron, ginny, _ = family(rest)

    to_main = rest.post(TRANSFER, transfer_body(ron, main, 10), key="ron-key", status=200)
    to_sister = rest.post(TRANSFER, transfer_body(ron, ginny, 10), key="ron-key", status=200)
    from_main = rest.post(TRANSFER, transfer_body(main, ron, 10), key="ron-key", status=422)
    from_sister = rest.post(TRANSFER, transfer_body(ginny, ron, 10), key="ron-key", status=422)

    assert (to_main.body["transferSuccessful"], to_sister.body["transferSuccessful"]) == (
        True,
        True,
    )
    assert (from_main.schema, from_sister.schema) == ("ErrorDetails", "ErrorDetails")
    assert credits_of(rest, "hpotter", "ron", "ginny") == [1010.0, 30.0, 30.0]


def test_a_stranger_main_account_cannot_touch_another_family() -> None:
    rest = make_rest()
    main, ron, _, _ = family(rest)

    rest.post(TRANSFER, transfer_body(ron, main, 10), key="draco-key", status=422)

    assert credits_of(rest, "hpotter", "ron") == [1000.0, 50.0]


def test_a_transfer_answers_the_current_shape_for_a_seed_account() -> None:
    rest = make_rest()
    main, ron, _, _ = family(rest)

    answer = rest.post(TRANSFER, transfer_body(main, ron, 1), status=200)

    assert answer.schema == "CreditTransferResponse"
    assert "authResult" not in answer.body
