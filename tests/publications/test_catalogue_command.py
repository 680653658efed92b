"""`gongkai catalogue`: the statutory columns for all agencies or a subtree, idempotently."""

import pytest
from django.core.management import CommandError, call_command

from gongkai.publications.catalogue import statutory_columns
from gongkai.publications.models import Column, ColumnKind


def run(capsys, *args):
    # call_command, not cli.main: run_from_argv closes every connection when it ends, which
    # on PostgreSQL breaks the test's transaction (the console wrapper is covered by
    # tests/workcalendar/test_fresh_checkout.py, which runs it in a subprocess).
    call_command("catalogue", *args)
    return capsys.readouterr().out


def codes(agency):
    return set(Column.objects.filter(agency=agency).values_list("code", flat=True))


def test_one_subtree_by_level_then_nothing_more(demo, capsys):
    county = demo["青山市:松林县"]
    dry = run(capsys, "--agency", str(county.pk), "--subtree", "--dry-run")
    assert "缺少栏目 27 个" in dry and "（未写入）" in dry
    assert not Column.objects.exists()

    out = run(capsys, "--agency", county.uscc, "--subtree")
    subtree = list(county.subtree())
    assert len(subtree) == 5
    for a in subtree:
        assert codes(a) == {s.code for s in statutory_columns(a.level)}
        assert f"{a.name}（{a.pk}）新建栏目" in out
    # Art. 20's 15 items everywhere; Art. 21 by level: 7 for county organs, 8 for townships.
    town = demo["青山市:松林县:城关镇"]
    assert Column.objects.filter(agency=county, kind=ColumnKind.STATUTORY_ART20).count() == 16
    assert Column.objects.filter(agency=county, kind=ColumnKind.STATUTORY_ART21).count() == 7
    assert Column.objects.filter(agency=town, kind=ColumnKind.STATUTORY_ART21).count() == 8
    art20_07 = Column.objects.get(agency=town, code="art20-07")
    assert art20_07.parent.code == "statutory" and art20_07.item_number == 7
    assert "第二十条（七）财政预算、决算信息" in art20_07.description
    for code in ("guide", "rules", "annual_report", "on_request"):
        assert Column.objects.get(agency=town, code=code).parent is None
    # Outside the subtree nothing was created.
    assert not codes(demo["青山市"]) and not codes(demo["青山市:石桥县"])
    assert "为 5 个机关新建栏目 137 个" in out  # 3×(20+7) + 2×(20+8)

    # Idempotent: a second run creates nothing and keeps renamed columns.
    Column.objects.filter(agency=town, code="guide").update(name="本镇信息公开指南")
    Column.objects.filter(agency=town, code="art20-14").delete()
    again = run(capsys, "--agency", str(county.pk), "--subtree")
    assert "为 1 个机关新建栏目 1 个" in again and "公务员招考" in again
    assert Column.objects.get(agency=town, code="guide").name == "本镇信息公开指南"
    assert Column.objects.get(agency=town, code="art20-14").parent.code == "statutory"
    assert "新建栏目 0 个" in run(capsys, "--agency", str(county.pk), "--subtree")


def test_all_agencies_and_errors(demo, capsys):
    province = demo["province"]
    out = run(capsys)
    assert codes(province) == {s.code for s in statutory_columns("province")}
    assert not any(c.startswith("art21") for c in codes(province))  # Art. 21 is local only
    assert Column.objects.values("agency").distinct().count() == len(demo)
    assert "新建栏目" in out
    with pytest.raises(CommandError, match="不存在"):
        call_command("catalogue", "--agency", "999999")
    with pytest.raises(CommandError):
        call_command("catalogue", "--subtree")
