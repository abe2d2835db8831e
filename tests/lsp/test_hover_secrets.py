"""Hover quotes source (a let's value, a param's default): never a credential in full."""

from __future__ import annotations

import pytest

from tests.lsp.conftest import Doc
from tests.lsp.test_features import hover_text

pytestmark = pytest.mark.asyncio(loop_scope="module")

TOKEN = "hf_EXAMPLExxxxxxxxxxxxxxxxxxxxxxxxxxx"
TEXT = f'''xspec 1

let hub_token = "{TOKEN}"
let db_password = "hunter2hunter2"

env py {{
  python = "3.11.9"
  vars = {{ HF = hub_token, DB = db_password }}
}}
'''


async def test_hover_masks_a_token_and_a_secret_named_value(client, workspace):
    doc = Doc(client, workspace / "lsp" / "hover_secret.xspec", TEXT)
    token = await hover_text(client, doc, "HF = hub_token", len("HF = "))
    password = await hover_text(client, doc, "DB = db_password", len("DB = "))
    doc.close()
    assert "let hub_token" in token and TOKEN not in token and "hf_E... (37 characters)" in token
    assert "let db_password" in password and "hunter2hunter2" not in password
