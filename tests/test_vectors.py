"""Fixed test vectors for every byte sequence that is a contract.

Stored signatures hold `content_hash(...)` of what was signed and of their own manifest; every
audit record holds its HMAC link to the one before; every plant reports the sha256 of the
effective definition it runs, which the ledger compares. If any of these bytes changed, every
stored signature, audit link and ledger hash would stop verifying — silently, since the other
tests only check that the code agrees with itself.

So the expected values below are literals, computed once from the code when they were written
and pinned here on purpose: they are the contract, not a snapshot of whatever the code does
today. A failure here means the change breaks stored data. Do not update a vector to make it
pass; change the code back, or — if the format really must change — version it (a new
`apiVersion`, a migration re-sealing what was stored) and add vectors for the new version
beside the old.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
import yaml

from coe.audit.chain import GENESIS, ChainEntry, link_hash, verify_chain
from coe.canonical import canonical_json, content_hash
from coe.definitions.compose import PreparedTemplate, compose
from coe.models import Signature
from coe.signatures.manifest import manifest, seal, verifies


class Colour(Enum):
    RED = "red"


# (value, its canonical JSON bytes, their sha256)
CANONICAL: list[tuple[Any, bytes, str]] = [
    ({}, b"{}", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"),
    ([], b"[]", "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"),
    ("", b'""', "12ae32cb1ec02d01eda3581b127c1fee3b0dc53572ed6baf239721a03d82e126"),
    (None, b"null", "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b"),
    (True, b"true", "b5bea41b6c623f7c09f1bf24dcae58ebab3c0cdd90ad966bc43a45b44867e12b"),
    # key order: sorted by code point, nested objects too; list order kept
    (
        {"b": 1, "a": {"z": [3, 1, 2], "y": None}, "B": False},
        b'{"B":false,"a":{"y":null,"z":[3,1,2]},"b":1}',
        "24896b510438e1d2ad5122851648c370ee736416d0d4a391f8c84ae14a8abe30",
    ),
    # ints stay ints, floats keep their shortest repr: 1 and 1.0 are different content
    ({"n": 1}, b'{"n":1}', "2bfd14f43d17fc7cea24e0917a8879b4b2f880b8baeec1b9d90fbaad655e71bd"),
    ({"n": 1.0}, b'{"n":1.0}', "3b6b06ecd1c968c8e738e0f11c4bb361fca80a9a694de22fe66a05286afbd081"),
    (
        {"f": [0.1, -0.0, 1e21, 1.5e-07, 185.5, 10**20]},
        b'{"f":[0.1,-0.0,1e+21,1.5e-07,185.5,100000000000000000000]}',
        "70a8b53e127bc8cb61884398caa33efff40dce3c0526a67a65c1ef1ca4975e7c",
    ),
    # unicode is written as UTF-8, not escaped; control characters and quotes are escaped
    (
        {"name": "Zoë — 苏州", "emoji": "🧪", "esc": 'a"b\\c\n\t\u0001'},
        '{"emoji":"🧪","esc":"a\\"b\\\\c\\n\\t\\u0001","name":"Zoë — 苏州"}'.encode(),
        "d6b70c7525461414b57a40292f68888842bc01ac0b1b91fed2aae66fdb3641d6",
    ),
    # keys sort by code point, so upper case, then lower case, then non-ASCII
    (
        {"é": 1, "z": 2, "Z": 3, "10": 4, "9": 5},
        '{"10":4,"9":5,"Z":3,"z":2,"é":1}'.encode(),
        "dd19269d1f14bbe0d07816dab00077cf2eaa9f8a1aa6aba806f426b77264cb16",
    ),
]

# Values with no JSON form of their own, and the canonical form they are given.
CONVERTED: list[tuple[Any, bytes, str]] = [
    (
        {"at": datetime(2026, 11, 2, 9, 30, 15, 250000, tzinfo=timezone(timedelta(hours=1)))},
        b'{"at":"2026-11-02T08:30:15.250000Z"}',
        "ae2c57ecadf4f5895789f05fd4dd82b7e5e51532ba50888b14e793ac079a52a4",
    ),
    (
        {"day": date(2026, 11, 2)},
        b'{"day":"2026-11-02"}',
        "42093006dce55fbc2185abd346f695b5b30467ffa8819a2bdf79081814abbe5d",
    ),
    (
        {"id": UUID("12345678-1234-5678-1234-567812345678")},
        b'{"id":"12345678-1234-5678-1234-567812345678"}',
        "d3c0e73cca7e4577e3614fa162eb643999764add9ec3c59483083f94799a00c7",
    ),
    (
        {"colour": Colour.RED},
        b'{"colour":"red"}',
        "6a7b7f4aa87b539d0f0c42a6bbb759c3c4879c25f3f4e94955e53f40252ed8bf",
    ),
    (
        {"d": Decimal("185.50")},
        b'{"d":185.5}',
        "ecdd80828555d7a48641cee180b8f58264d395758eed653e9c3b7d78557587d9",
    ),
    (
        {"s": {"penang", "cork", "galway"}},
        b'{"s":["cork","galway","penang"]}',
        "77e338c144b68423c4e52f6d28d4d48fad795515ef21fa07bf44ea7d9651af44",
    ),
]


@pytest.mark.parametrize(("value", "expected", "digest"), CANONICAL + CONVERTED)
def test_canonical_json_and_content_hash(value: Any, expected: bytes, digest: str) -> None:
    assert canonical_json(value) == expected
    assert content_hash(value) == digest
    assert hashlib.sha256(expected).hexdigest() == digest, "the vector itself is consistent"


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), {"at": datetime(2026, 11, 2, 8, 0)}, {"x": object()}],
    ids=["nan", "infinity", "naive-datetime", "object"],
)
def test_values_without_a_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        canonical_json(value)


AUDIT_KEY = b"coe test vector audit key 32 b.."
FIRST = {
    "occurred_at": datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=1))),
    "actor": "ada",
    "action": "template.published",
    "entity_type": "template_version",
    "entity_id": "pouch-sealing@1.0.0",
    "site": None,
    "before": {"status": "approved"},
    "after": {"status": "published", "contentSha256": "ab" * 32},
    "reason": "Freigabe für Zoë — 苏州",
    "request_id": "req-1",
    "signature_id": UUID("12345678-1234-5678-1234-567812345678"),
    "seq": 1,  # storage order: not part of the hashed content
    "hash": "ignored",  # neither is anything else outside the content fields
}
SECOND = {
    "occurred_at": datetime(2026, 11, 2, 8, 5, tzinfo=UTC),
    "actor": "plant-penang",
    "action": "site.updated",
    "entity_type": "site",
    "entity_id": "penang",
    "site": "penang",
    "before": None,
    "after": {"plantEndpoint": "https://penang.example/plant", "n": 1.0},
    "reason": None,
    "request_id": None,
    "signature_id": None,
}
FIRST_MESSAGE = (  # the previous hash, a newline, the canonical JSON of the content fields
    GENESIS.encode()
    + b"\n"
    + (
        '{"action":"template.published","actor":"ada","after":{"contentSha256":'
        '"abababababababababababababababababababababababababababababababab",'
        '"status":"published"},"before":{"status":"approved"},'
        '"entity_id":"pouch-sealing@1.0.0","entity_type":"template_version",'
        '"occurred_at":"2026-11-02T08:00:00+00:00","reason":"Freigabe für Zoë — 苏州",'
        '"request_id":"req-1","signature_id":"12345678-1234-5678-1234-567812345678",'
        '"site":null}'
    ).encode()
)
FIRST_LINK = "cf89c44130b770a317a9adfd61fc97dc67cb19d5f77f673bd0b155d76a881e45"
SECOND_LINK = "dde37250ae275c808e89331810c87bd37819da728457dc5185c80a7f191b93a6"


def test_audit_link_hashes() -> None:
    assert FIRST_MESSAGE.startswith(b"0" * 64 + b"\n")
    expected_first = hmac.new(AUDIT_KEY, FIRST_MESSAGE, hashlib.sha256).hexdigest()
    assert expected_first == FIRST_LINK, "the vector itself is consistent"
    assert link_hash(AUDIT_KEY, GENESIS, FIRST) == FIRST_LINK
    assert link_hash(AUDIT_KEY, FIRST_LINK, SECOND) == SECOND_LINK


def test_the_pinned_links_verify_as_a_chain() -> None:
    entries = [
        ChainEntry(seq=1, prev_hash=GENESIS, hash=FIRST_LINK, content=FIRST),
        ChainEntry(seq=2, prev_hash=FIRST_LINK, hash=SECOND_LINK, content=SECOND),
    ]
    assert verify_chain(AUDIT_KEY, entries).intact
    assert not verify_chain(b"another key of thirty-two bytes!", entries).intact


SIGNED_CONTENT = {"key": "pouch-sealing", "version": "1.0.0", "sha256": "cd" * 32}
SIGNED_CONTENT_SHA256 = "65d9d2bfb40715fb321884686f658c9be2e2e61e27daabb5dbdb686e17ae8cd0"
MANIFEST_BYTES = (
    '{"contentSha256":"65d9d2bfb40715fb321884686f658c9be2e2e61e27daabb5dbdb686e17ae8cd0",'
    '"entityId":"pouch-sealing@1.0.0","entityType":"template_version","meaning":"approved",'
    '"printedName":"Quinn Murphy","reason":"Pilot results reviewed — Zoë",'
    '"signedAt":"2026-11-02T02:15:30.123456+00:00","signerId":"quinn"}'
).encode()
MANIFEST_SHA256 = "12b2e7caed81e7f47450ae21c56203eb7a9f76a1674c9c97bb1bf3a93f797649"


def signature() -> Signature:
    return Signature(
        id=UUID("87654321-4321-8765-4321-876543218765"),
        signer_id="quinn",
        printed_name="Quinn Murphy",
        signed_at=datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=timezone(timedelta(hours=8))),
        meaning="approved",
        reason="Pilot results reviewed — Zoë",
        entity_type="template_version",
        entity_id="pouch-sealing@1.0.0",
        content_sha256=SIGNED_CONTENT_SHA256,
        manifest_sha256="",
    )


def test_signature_manifest_hash() -> None:
    assert content_hash(SIGNED_CONTENT) == SIGNED_CONTENT_SHA256
    signed = signature()
    assert canonical_json(manifest(signed)) == MANIFEST_BYTES
    seal(signed)
    assert signed.manifest_sha256 == MANIFEST_SHA256
    assert hashlib.sha256(MANIFEST_BYTES).hexdigest() == MANIFEST_SHA256
    assert verifies(signed, SIGNED_CONTENT)


# A copy of tests/templates/fixtures/base-template.yaml and base-overlay.yaml as they were when
# the vectors were computed: the inputs of a vector do not move with the fixtures.
TEMPLATE = """\
apiVersion: coe.dev/v1
kind: ProcessTemplate
metadata:
  key: pouch-sealing
  version: 1.0.0
  title: Pouch sealing
spec:
  parameters:
    seal_temperature_c:
      type: number
      default: 180
      minimum: 170
      maximum: 190
      unit: degC
      siteConfigurable: true
    cycles:
      type: integer
      default: 3
      minimum: 1
      maximum: 5
      siteConfigurable: true
    warmup:
      type: duration
      default: 20m
      minimum: 10m
      maximum: 45m
      siteConfigurable: true
    label_language:
      type: enum
      values: [en, de, zh]
      default: en
      siteConfigurable: true
      siteBound: true
    lot_prefix:
      type: string
      default: LOT
      pattern: "[A-Z]{3}"
      maxLength: 3
      siteConfigurable: true
    seal_width_mm:
      type: number
      default: 10
  operations:
    - id: op10-clearance
      kind: checklist
      title: Line clearance
    - id: op20-seal
      kind: execution
      title: Seal pouch
      equipmentClass: heat-sealer
      dataCollection:
        - id: seal_temp
          unit: degC
          target: ${seal_temperature_c}
          lowerLimit: ${seal_temperature_c} - 5
          upperLimit: ${seal_temperature_c} + 5
  extensionPoints:
    - id: after-seal
      after: op20-seal
      allowedKinds: [inspection, checklist]
      maxSteps: 1
  reasonCodes:
    scrap: [{code: SC-SEAL, title: Seal defect}]
  kpis: [right_first_time]
"""
OVERLAY = """\
apiVersion: coe.dev/v1
kind: SiteOverlay
metadata:
  site: penang
  template: pouch-sealing
  templateVersions: ">=1.0.0 <2.0.0"
  version: 1
spec:
  set:
    seal_temperature_c: 185
  extend:
    after-seal:
      - id: penang-visual
        kind: inspection
        title: Visual check
"""
TEMPLATE_SHA256 = "5425ee971674b4c139c0511f0a880aa695f1add626e7e69d7bd1533f5030df43"
EFFECTIVE_SHA256 = {  # penang with its overlay; galway with the template's defaults
    "penang": "34556414c3d03b055dac24ad38b40ade96beee501114e772c6bc2b42e4196d4a",
    "galway": "153251e83824e8d89d8434dd1152c11fe9372372f2e374e216d3a9f5d547f6f1",
}


def test_effective_definition_sha256() -> None:
    template = PreparedTemplate.of(yaml.safe_load(TEMPLATE))
    assert template.sha256 == TEMPLATE_SHA256
    with_overlay = compose(template, "penang", yaml.safe_load(OVERLAY))
    assert with_overlay.sha256 == EFFECTIVE_SHA256["penang"]
    assert hashlib.sha256(with_overlay.canonical).hexdigest() == with_overlay.sha256
    assert with_overlay.canonical == canonical_json(with_overlay.document)
    defaults_only = compose(template, "galway")
    assert defaults_only.sha256 == EFFECTIVE_SHA256["galway"]
