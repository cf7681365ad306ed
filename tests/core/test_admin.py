from huimin.core.models import HolidayYear, User


def test_only_the_calendar_manager_edits_holiday_arrangements(client, make_user):
    admin = make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",), is_staff=True)
    county = make_user("county", User.Role.COUNTY_OFFICIAL, ("140822",), is_staff=True)
    client.force_login(county)
    assert client.get("/admin/core/holidayyear/add/").status_code == 403
    client.force_login(admin)
    response = client.post(
        "/admin/core/holidayyear/add/",
        {
            "year": "2027",
            "notice": "国办发明电（示例）",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-0-date": "2027-01-01",
            "days-0-name": "元旦",
        },
    )
    assert response.status_code == 302
    assert list(HolidayYear.objects.get(year=2027).days.values_list("name", flat=True)) == ["元旦"]


def test_a_holiday_outside_its_year_is_refused(client, make_user):
    client.force_login(make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",), is_staff=True))
    response = client.post(
        "/admin/core/holidayyear/add/",
        {
            "year": "2027",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-0-date": "2028-01-01",
            "days-0-name": "元旦",
        },
    )
    assert response.status_code == 200
    assert "日期2028-01-01不在2027年内" in response.content.decode()
    assert HolidayYear.objects.count() == 0


def test_people_are_read_only_and_masked_in_the_admin(client, make_user, wanrong_person):
    client.force_login(
        make_user("root", User.Role.CITY_ADMIN, ("140800",), is_staff=True, is_superuser=True)
    )
    page = client.get(f"/admin/core/person/{wanrong_person.pk}/change/").content.decode()
    assert wanrong_person.masked_resident_id in page
    assert wanrong_person.resident_id not in page
    assert wanrong_person.phone not in page


def test_the_admin_names_every_section_in_chinese(client, make_user):
    admin = make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",), is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    page = client.get("/admin/").content.decode()

    for english in ("Access attempts", "Access logs", "Access failures", "Task Results", "Axes"):
        assert english not in page
    for chinese in ("登录保护", "登录失败计数", "登录记录", "登录失败记录", "后台任务", "任务结果"):
        assert f">{chinese}<" in page
    assert ">登录保护<" in client.get("/admin/axes/").content.decode()
