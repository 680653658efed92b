import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.agencies.models import Agency, Kind, Level
from gongkai.rules.uscc import make_uscc

User = get_user_model()


def test_demo_builds_about_forty_valid_agencies_idempotently(demo):
    from gongkai.agencies import demo as demo_mod

    n = Agency.objects.count()
    assert 35 <= n <= 45
    demo_mod.build()
    assert Agency.objects.count() == n
    for a in Agency.objects.all():
        assert a.org_code == a.uscc[8:17]
        assert a.path.endswith(f"/{a.pk}/")
    levels = set(Agency.objects.values_list("level", flat=True))
    assert levels == {"province", "city", "county", "township"}


def test_wrong_check_character_gets_a_clear_message(db):
    good = make_uscc("1", "1", "990000", "12345678")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    a = Agency(name="测试局", level=Level.COUNTY, kind=Kind.DEPARTMENT, uscc=bad)
    with pytest.raises(ValidationError) as exc:
        a.full_clean()
    assert "校验" in str(exc.value)


def test_subtree_and_move(demo):
    city = demo["青山市"]
    county = demo["青山市:松林县"]
    town = demo["青山市:松林县:城关镇"]
    assert town.is_in_subtree_of(city)
    assert set(city.subtree().values_list("pk", flat=True)) >= {county.pk, town.pk}
    # move the county under the other city: its whole subtree follows
    county.parent = demo["白水市"]
    county.save()
    town.refresh_from_db()
    assert town.is_in_subtree_of(demo["白水市"]) and not town.is_in_subtree_of(city)
    assert [a.pk for a in town.ancestors()] == [demo["province"].pk, demo["白水市"].pk, county.pk]


def test_cycle_is_rejected(demo):
    city = demo["青山市"]
    city.parent = demo["青山市:松林县"]
    with pytest.raises(ValidationError):
        city.full_clean()


def test_guide_shows_article_12_contacts(client, demo):
    a = demo["青山市:教育局"]
    html = client.get(reverse("portal:guide", args=[a.pk])).content.decode()
    for value in (
        a.office_address,
        a.office_phone,
        a.office_fax,
        a.office_email,
        a.office_postcode,
    ):
        assert value and value in html
    assert "20个工作日" in html and "政府信息公开指南" in html


def test_guide_follows_edits_by_admin(client, demo):
    a = demo["青山市:教育局"]
    client.force_login(User.objects.get(username="admin"))
    r = client.post(
        reverse("agencies:settings", args=[a.pk]),
        {
            "office_name": "青山市教育局办公室",
            "office_address": "青山路1号",
            "office_hours": "9-17",
            "office_phone": "0990-1234567",
            "office_fax": "0990-7654321",
            "office_email": "x@example.gov.cn",
            "office_postcode": "12345",
            "short_name": "教育局",
            "website": "",
        },
    )
    assert "邮政编码应为6位数字" in r.content.decode()
    a.refresh_from_db()
    assert a.office_address != "青山路1号"  # nothing half-saved


def test_clerk_cannot_edit_agency_settings(client, demo):
    client.force_login(User.objects.get(username="clerk"))
    r = client.get(reverse("agencies:settings", args=[demo["青山市:教育局"].pk]))
    assert r.status_code == 403


def test_switch_only_to_own_agencies(client, demo):
    client.force_login(User.objects.get(username="cityclerk"))
    r = client.post(reverse("agencies:switch"), {"agency": demo["白水市"].pk}, follow=True)
    assert "无法切换" in r.content.decode()


def test_login_lockout_after_repeated_failures(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("agencies:login"), {"username": "clerk", "password": "wrong"})
    r = client.post(reverse("agencies:login"), {"username": "clerk", "password": "demo-pass-2026"})
    assert r.status_code in (403, 429)
    assert "锁定" in r.content.decode()


def test_passwords_are_hashed_with_argon2(demo):
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="clerk").password.startswith("argon2")


def test_language_switch_to_traditional_and_english(client, demo):
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert r.status_code == 200
    assert 'lang="en"' in r.content.decode()


@pytest.mark.parametrize(
    "lang, expected, absent",
    [
        ("zh-hant", "機關目錄", "机关目录"),
        ("en", "Agency directory", "机关目录"),
        ("zh-hans", "机关目录", "機關目錄"),
    ],
)
def test_portal_in_three_languages(client, demo, lang, expected, absent):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get("/").content.decode()
    assert expected in html and absent not in html


def test_media_files_are_never_served_directly(client, demo, settings):
    from pathlib import Path

    secret = Path(settings.MEDIA_ROOT) / "requests" / "id-card.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text("110101199003071234")
    assert client.get("/media/requests/id-card.txt").status_code == 404


def test_stylesheet_is_served_and_portal_nav_links_modules(client, demo):
    from django.contrib.staticfiles import finders

    assert finders.find("gongkai/site.css")
    html = client.get("/").content.decode()
    for label in ("信息检索", "依申请公开", "政府信息公开年报"):
        assert label in html
