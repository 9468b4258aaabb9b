"""fam28: init never proposes overlapping class families (review28b, networkx 3.4.2,
``/tmp/review28b/repro/02-init-overlapping-families``).

networkx's view classes are one hierarchy of Di/Multi/In/Out variants of three concepts
(adjacency, degree and edge views). init proposed ``*Multi*View`` beside ``*Degree*View`` and
``*Adjacency*View``: ``MultiDegreeView`` was counted by two ratchets, and the family named by the
modifier ``Multi`` mixed three concepts. Now a class is counted by one proposed family at most,
and a family named by a modifier is not proposed when a concept family covers its classes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ssot_lint import api
from tests.helpers import run_cli, write_project

# The reviewer's reproduction, as it is.
VIEWS = {
    "nxl/__init__.py": "",
    "nxl/classes/__init__.py": "",
    "nxl/classes/coreviews.py": (
        "class AdjacencyView:\n    def __getitem__(self, n): ...\nclass MultiAdjacencyView(AdjacencyView):\n    def __getitem__(self, n): ...\n"
    ),
    "nxl/classes/reportviews.py": (
        "class DiDegreeView:\n    def __call__(self, nbunch=None): ...\n"
        "class DegreeView(DiDegreeView): ...\nclass OutDegreeView(DiDegreeView): ...\nclass InDegreeView(DiDegreeView): ...\n"
        "class MultiDegreeView(DiDegreeView): ...\nclass DiMultiDegreeView(DiDegreeView): ...\n"
        "class InMultiDegreeView(DiDegreeView): ...\nclass OutMultiDegreeView(DiDegreeView): ...\n"
        "class OutEdgeView:\n    def __iter__(self): ...\nclass EdgeView(OutEdgeView): ...\nclass OutMultiEdgeView(OutEdgeView): ...\n"
        "class MultiEdgeView(OutMultiEdgeView): ...\nclass InMultiEdgeView(OutMultiEdgeView): ...\n"
    ),
    "nxl/algorithms/__init__.py": "",
    "nxl/algorithms/kcomponents.py": (
        "class _AntiGraph:\n    class AntiAdjacencyView:\n        def __getitem__(self, n): ...\n"
        "    class AntiDegreeView:\n        def __call__(self, nbunch=None): ...\n"
    ),
}


def test_a_modifier_family_is_not_proposed_beside_the_concept_families_that_cover_its_classes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", VIEWS)
    found = api.survey(root).families
    assert [(f.stem, f.name, sorted(m.qualname for m in f.members)) for f in found] == [
        (
            "*Degree*View",
            "Degree(?![a-z])\\w*View$",
            [
                "DegreeView",
                "DiDegreeView",
                "DiMultiDegreeView",
                "InDegreeView",
                "InMultiDegreeView",
                "MultiDegreeView",
                "OutDegreeView",
                "OutMultiDegreeView",
                "_AntiGraph.AntiDegreeView",
            ],
        ),
        ("*Adjacency*View", "Adjacency(?![a-z])\\w*View$", ["AdjacencyView", "MultiAdjacencyView", "_AntiGraph.AntiAdjacencyView"]),
    ]
    # The written rules count each class once: each one's count is its family's, and no rule's
    # pattern selects a class another rule counts.
    assert run_cli(["init", "--no-cache"], root, monkeypatch).exit_code == 0
    report = run_cli(["check", "--no-cache", "-o", "json"], root, monkeypatch).json()
    assert [(r["id"], r["count"], r["max"]) for r in report["rules"] if r["kind"] == "single-implementation"] == [("FAM1", 9, 9), ("FAM2", 3, 3)]
    for family in found:
        for other in found:
            if other is not family:
                assert [m.qualname for m in other.members if re.search(family.name, m.qualname.rsplit(".", 1)[-1])] == []


# Two concept families whose stems share one class: before, the second was proposed as long as
# at most half of its stem's members were taken (here one of four), and PaymentGatewayClient was
# counted by both ratchets.
SHARED = {
    "svc/__init__.py": "",
    "svc/a.py": "class PaymentClient: ...\nclass CardPaymentClient: ...\nclass PaymentGatewayClient: ...\n",
    "svc/b.py": "class BankPaymentClient: ...\nclass WalletPaymentClient: ...\nclass SmsGatewayClient: ...\n",
    "svc/c.py": "class MailGatewayClient: ...\nclass PushGatewayClient: ...\n",
    **{f"svc/m_{m}.py": "X = 1\n" for m in "abcdef"},  # no class in most modules: no convention
}


def test_a_family_whose_pattern_selects_a_class_another_family_counts_is_not_proposed(tmp_path: Path) -> None:
    found = api.survey(write_project(tmp_path / "p", SHARED)).families
    assert [(f.stem, len(f.members)) for f in found] == [("*Payment*Client", 5)]


# A concept token near the role is not a modifier because the name without it is a class:
# Django's IntegerRangeField is a range field (RangeField) of integers (IntegerField), and
# ``*Range*Field`` is proposed (its stem is the last token before the role), not ``*Integer*Field``,
# which counts IntegerRangeField too. ``*Inverse*Transform``
# is named by a modifier (LaplaceTransform, MellinTransform ... are classes), and no concept
# family covers its classes: it is proposed (SymPy 1.14.0's, unchanged).
RANGES = {
    "db/__init__.py": "",
    "db/fields.py": "class IntegerField: ...\nclass BigIntegerField: ...\nclass SmallIntegerField: ...\nclass DateField: ...\nclass DecimalField: ...\n",
    "db/ranges.py": "class RangeField: ...\nclass IntegerRangeField: ...\nclass DateRangeField: ...\n",
    "forms/__init__.py": "",
    "forms/ranges.py": "class DecimalRangeField: ...\nclass FloatRangeField: ...\n",
    "integrals/__init__.py": "",
    "integrals/laplace.py": "class LaplaceTransform: ...\nclass InverseLaplaceTransform: ...\n",
    "integrals/transforms.py": "class MellinTransform: ...\nclass InverseMellinTransform: ...\nclass SineTransform: ...\nclass InverseSineTransform: ...\n",
}


def test_a_concept_before_the_role_is_no_modifier_and_a_modifier_family_no_concept_covers_stays(tmp_path: Path) -> None:
    found = api.survey(write_project(tmp_path / "p", RANGES)).families
    assert [(f.stem, sorted(m.qualname for m in f.members)) for f in found] == [
        ("*Range*Field", ["DateRangeField", "DecimalRangeField", "FloatRangeField", "IntegerRangeField", "RangeField"]),
        ("*Inverse*Transform", ["InverseLaplaceTransform", "InverseMellinTransform", "InverseSineTransform"]),
    ]


# A family named by a modifier waits for the concepts' families that take in its classes, and is
# proposed when none of them is: *Sms*Client counts PaymentSmsClient, which the larger
# *Payment*Client counts, so it is not proposed, and *Multi*Client (Multi variants of SmsClient,
# MailClient, PushClient) then shares no class with a proposed family.
WAITING = {
    "svc/__init__.py": "",
    "svc/pay.py": "class PaymentClient: ...\nclass CardPaymentClient: ...\nclass BankPaymentClient: ...\n",
    "svc/wallet.py": "class WalletPaymentClient: ...\nclass PaymentSmsClient: ...\n",
    "svc/sms.py": "class SmsClient: ...\nclass MultiSmsClient: ...\nclass BulkSmsClient: ...\n",
    "svc/mail.py": "class MailClient: ...\nclass MultiMailClient: ...\nclass PushClient: ...\nclass MultiPushClient: ...\n",
    **{f"svc/m_{m}.py": "X = 1\n" for m in "abcdefgh"},  # no class in most modules: no convention
}


def test_a_modifier_family_is_proposed_when_the_concept_family_it_waited_for_is_not(tmp_path: Path) -> None:
    found = api.survey(write_project(tmp_path / "p", WAITING)).families
    assert [(f.stem, sorted(m.qualname for m in f.members)) for f in found] == [
        ("*Payment*Client", ["BankPaymentClient", "CardPaymentClient", "PaymentClient", "PaymentSmsClient", "WalletPaymentClient"]),
        ("*Multi*Client", ["MultiMailClient", "MultiPushClient", "MultiSmsClient"]),
    ]
