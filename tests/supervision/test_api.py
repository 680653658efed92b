from gongkai.supervision import demo as sv_demo


def test_overview_and_lists_need_login_and_permission(client, as_user, demo):
    plist = sv_demo.build(demo)
    city, edu = demo["青山市"], demo["青山市:教育局"]
    assert client.get(f"/api/supervision/overview/{city.pk}").status_code == 401
    c = as_user("supervisor")
    r = c.get(f"/api/supervision/overview/{city.pk}")
    assert r.status_code == 200
    data = r.json()
    ids = {row["agency_id"] for row in data["rows"]}
    assert ids == {a.pk for a in city.subtree()}
    row = next(x for x in data["rows"] if x["agency_id"] == edu.pk)
    assert row["open_lists"] == 1 and data["totals"]["open_lists"] == 1
    assert c.get(f"/api/supervision/overview/{demo['白水市'].pk}").status_code == 403
    lists = c.get(f"/api/supervision/problem-lists/issued/{city.pk}").json()
    assert [x["id"] for x in lists] == [plist.pk] and len(lists[0]["items"]) == 2
    c = as_user("head")
    assert c.get(f"/api/supervision/overview/{city.pk}").status_code == 403
    got = c.get(f"/api/supervision/problem-lists/received/{edu.pk}").json()
    assert [x["id"] for x in got] == [plist.pk]
    c = as_user("township")
    assert c.get(f"/api/supervision/problem-lists/received/{edu.pk}").status_code == 403
