"""Cursors: a cursor the API did not issue is BAD_USER_INPUT naming `after`, never an internal
error, on every newest-first list (rollouts, transfers)."""

from __future__ import annotations

import pytest

from coe.auth.principal import Role
from coe.graphql.pagination import encode_cursor
from tests.helpers import Api


@pytest.mark.parametrize("field", ["rollouts", "transfers"])
@pytest.mark.parametrize("cursor", [encode_cursor("not a time"), encode_cursor(17), "%%%"])
async def test_a_foreign_cursor_is_bad_input(api: Api, field: str, cursor: str) -> None:
    answered = await api.as_role(
        Role.COE_ARCHITECT,
        f"query($a: String) {{ {field}(after: $a) {{ totalCount }} }}",
        {"a": cursor},
    )
    assert answered.codes == ["BAD_USER_INPUT"]
    assert answered.errors[0]["extensions"]["argument"] == "after"
