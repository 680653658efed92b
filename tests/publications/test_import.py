"""Importing an old site's publications: CSV / XLSX / JSON, per-row errors, legacy numbers."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gongkai.publications.importer import ImportFormatError, import_file
from gongkai.publications.models import ImportBatch, Publication

from .helpers import ID_NUMBER

CSV = """索引号,名称,文号,成文日期,发布日期,栏目,文件类型,有效性,废止日期,正文
01527918X-2020-153077,关于印发青山市学前教育管理办法的通知,青教[2020]12号,2020-03-01,2020-03-10 09:30,法规文件,规范性文件,废止,2024-01-01,第一段
,关于2021年中考工作的通知,,2021-04-01,2021年4月8日,民生政策措施,其他,,,<p>正文</p>
20230618-205818-135,缺发布日期的行,,2023-06-18,,法规文件,,,,
01527918X-2020-153077,重复索引号,,2020-03-01,2020-03-10,法规文件,,,,
hedongquhd0101/2021-0000111,栏目不存在,,2021-01-01,2021-01-02,没有这个栏目,,,,
X/2022-1,坏日期,,2022-13-40,2022-01-02,,,,,
Y/2022-2,含个人信息,,2022-01-01,2022-01-05,,,,,身份证号{id}
""".replace("{id}", ID_NUMBER)


def _file(text, name):
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def test_csv_import_keeps_legacy_numbers_and_reports_rows(demo):
    a = demo["青山市:教育局"]
    r = import_file(_file(CSV, "old.csv"), a)
    assert r.total == 7 and r.imported == 3
    assert [e["row"] for e in r.errors] == [4, 5, 6, 7]
    msgs = " ".join(e["message"] for e in r.errors)
    assert "发布日期" in msgs and "已存在" in msgs and "栏目" in msgs and "日期" in msgs
    p = Publication.objects.get(index_number="01527918X-2020-153077")
    assert p.document_number == "青教〔2020〕12号"
    assert p.validity == "repealed" and p.kind == "normative_document"
    assert p.status == "published" and p.imported
    local = timezone.localtime(p.published_at)
    assert (local.hour, local.minute) == (9, 30)
    auto = Publication.objects.get(title="关于2021年中考工作的通知")
    assert auto.index_number == f"{a.org_code}/2021-00001"
    assert auto.column.code == "art20-11"
    # Imported records go public at once: personal data is masked on the way in.
    flagged = Publication.objects.get(index_number="Y/2022-2")
    assert ID_NUMBER not in flagged.body and "35*************234" in flagged.body
    assert flagged.privacy_findings.get().state == "masked"
    assert flagged.published_at.date().isoformat() == "2022-01-04"  # 00:00 Beijing time
    assert any(w["row"] == 8 and "遮盖" in w["message"] for w in r.warnings)
    assert ImportBatch.objects.get(pk=r.batch_id).imported == 3


def test_json_and_xlsx(demo):
    from openpyxl import Workbook

    a = demo["青山市:教育局"]
    data = [{"title": "JSON文件", "published_at": "2024-05-01", "index_number": "J/2024-1"}]
    r = import_file(_file(json.dumps(data, ensure_ascii=False), "a.json"), a)
    assert r.imported == 1
    wb = Workbook()
    ws = wb.active
    ws.append(["名称", "发布日期", "索引号", "有效性"])
    ws.append(["XLSX文件", "2024-06-01", "X/2024-7", "现行有效"])
    ws.append([None, None, None, None])
    ws.append(["无效有效性", "2024-06-01", "X/2024-8", "半有效"])
    buf = io.BytesIO()
    wb.save(buf)
    r = import_file(_file(buf.getvalue(), "b.xlsx"), a)
    assert r.imported == 1 and r.errors[0]["row"] == 3
    assert Publication.objects.filter(index_number="X/2024-7").exists()


@pytest.mark.parametrize(
    "content,name,msg",
    [
        (b"\x00\x01", "a.xlsx", "XLSX"),
        (b"{bad json", "a.json", "JSON"),
        ("foo,bar\n1,2\n", "a.csv", "名称"),
        ("x", "a.txt", "不支持"),
    ],
)
def test_unreadable_files_are_refused_whole(demo, content, name, msg):
    with pytest.raises(ImportFormatError, match=msg):
        import_file(_file(content, name), demo["青山市:教育局"])
    assert Publication.objects.count() == 0


def test_gbk_csv(demo):
    text = "名称,发布日期\n旧网站文件,2019-05-06\n"
    r = import_file(_file(text.encode("gbk"), "gbk.csv"), demo["青山市:教育局"])
    assert r.imported == 1


def test_command(demo, tmp_path, capsys):
    path = tmp_path / "old.csv"
    path.write_text(CSV, encoding="utf-8")
    a = demo["青山市:教育局"]
    call_command("import_publications", str(path), "--agency", str(a.pk), "--no-progress")
    out = capsys.readouterr()
    assert "导入3条" in out.out and "第4行" in out.err
    with pytest.raises(CommandError):
        call_command("import_publications", str(tmp_path / "none.csv"), "--agency", str(a.pk))


def test_upload_page(as_user, demo):
    url = reverse("publications:import")
    assert as_user("clerk").get(url).status_code == 403
    c = as_user("head")
    r = c.post(url, {"file": _file(CSV, "old.csv")})
    page = r.content.decode()
    assert r.status_code == 200 and "导入 3 条" in page and "缺少发布日期" in page


def test_row_limit_and_chunks(demo, monkeypatch):
    from gongkai.publications import importer

    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    monkeypatch.setattr(importer, "CHUNK", 2)
    rows = [{"名称": f"文件{i}", "发布日期": "2024-01-02"} for i in range(8)]
    r = importer.import_rows(rows, demo["青山市:教育局"])
    assert r.imported == 5 and r.total == 5
    assert r.errors == [{"row": 7, "message": "超过单次导入上限5行，其余未导入"}]
