"""The admin pages do what they say: places, staff, technicians, settings."""

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.models import Estate, ShiftTemplate, Technician, User
from tests.conftest import csrf, login


def _db(settings):
    return Session(create_engine(settings.database_url.replace("+aiosqlite", "")))


def test_unit_search_by_code_with_htmx_fragment(as_role):
    admin = as_role("admin")
    page = admin.get("/admin/units?q=1-1-")
    assert page.status_code == 200 and "<html" in page.text
    fragment = admin.get("/admin/units?q=1-1-1", headers={"HX-Request": "true", "HX-Target": "unit-results"})
    assert "<html" not in fragment.text
    codes = set(__import__("re").findall(r"<td>(1-1-\d+)</td>", fragment.text))
    assert codes and all(code.startswith("1-1-1") for code in codes)


def test_estate_form_keeps_input_and_names_the_bad_field(as_role, demo_settings):
    admin = as_role("admin")
    response = admin.post("/admin/estates/new", data={"code": "99", "name": "测试苑", "lat": "139.9", "lon": "116.4", "_csrf_token": csrf(admin)})
    assert response.status_code == 422
    assert 'value="测试苑"' in response.text
    assert 'id="err-lat"' in response.text and 'id="err-lon"' not in response.text
    with _db(demo_settings) as db:
        assert db.scalar(select(Estate).where(Estate.code == "99")) is None

    response = admin.post("/admin/estates/new", data={"code": "99", "name": "测试苑", "lat": "39.93", "lon": "116.47", "_csrf_token": csrf(admin)})
    assert response.status_code == 200 and "测试苑" in response.text
    duplicate = admin.post("/admin/estates/new", data={"code": "99", "name": "又一个", "lat": "39.93", "lon": "116.47", "_csrf_token": csrf(admin)})
    assert duplicate.status_code == 422 and 'id="err-code"' in duplicate.text


def test_admin_creates_a_staff_account_that_can_sign_in(as_role, client, demo_settings):
    admin = as_role("admin")
    short = admin.post("/admin/staff", data={"username": "desk9", "name": "赵九", "role": "desk", "password": "short", "_csrf_token": csrf(admin)})
    assert short.status_code == 422 and 'value="short"' not in short.text and 'value="desk9"' in short.text
    created = admin.post("/admin/staff", data={"username": "desk9", "name": "赵九", "role": "desk", "password": "longenough9", "_csrf_token": csrf(admin)})
    assert created.status_code == 200 and "desk9" in created.text
    with _db(demo_settings) as db:
        user = db.scalar(select(User).where(User.username == "desk9"))
        assert user.password_hash.startswith("$argon2id$")
    admin.post("/logout", data={"_csrf_token": csrf(admin)})
    assert login(client, "desk9", "longenough9").url.path == "/desk"


def test_admin_edits_a_technicians_trades_and_shifts(as_role, demo_settings):
    admin = as_role("admin")
    with _db(demo_settings) as db:
        technician = db.scalar(select(Technician).join(Technician.user).where(User.username == "tech02"))
        tech_id = technician.id
    form = {"trades": ["plumbing", "gas"], "home_label": "锦绣家园工程部", "home_lat": "39.95", "home_lon": "116.46",
            "works_0": "on", "start_0": "08:00", "end_0": "17:00", "break_0": "12:00", "break_minutes_0": "60",
            "works_2": "on", "start_2": "13:00", "end_2": "12:00", "_csrf_token": csrf(admin)}
    bad = admin.post(f"/admin/technicians/{tech_id}", data=form)
    assert bad.status_code == 422 and 'id="err-end_2"' in bad.text
    form.update({"start_2": "12:00", "end_2": "21:00"})
    assert admin.post(f"/admin/technicians/{tech_id}", data=form).status_code == 200
    with _db(demo_settings) as db:
        technician = db.get(Technician, tech_id)
        assert technician.trades == ["gas", "plumbing"]
        shifts = {s.weekday: s for s in db.scalars(select(ShiftTemplate).where(ShiftTemplate.technician_id == tech_id))}
        assert set(shifts) == {0, 2}
        assert (shifts[0].start_min, shifts[0].end_min, shifts[0].break_minutes) == (480, 1020, 60)
        assert (shifts[0].break_earliest_min, shifts[0].break_latest_min) == (690, 750)
        assert (shifts[2].start_min, shifts[2].end_min, shifts[2].break_minutes) == (720, 1260, 0)


def test_company_settings_are_saved_and_bad_json_is_named(as_role, demo_settings):
    admin = as_role("admin")
    page = admin.get("/admin/settings")
    import re

    fields = dict(re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"', page.text))
    texts = {name: value for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page.text, re.S)}
    import html

    form = {**fields, **{k: html.unescape(v) for k, v in texts.items()}, "_csrf_token": csrf(admin)}
    original = dict(form)
    form["sla_minutes.emergency"] = "8"
    form["slot_template"] = "[[\"08:00\", \"10:00\"]"
    bad = admin.post("/admin/settings", data=form)
    assert bad.status_code == 422 and 'id="err-slot_template"' in bad.text
    assert "[[&#34;08:00&#34;, &#34;10:00&#34;]" in bad.text or '[["08:00", "10:00"]' in bad.text
    form["slot_template"] = '[["08:00", "12:00"], ["13:00", "17:00"]]'
    ok = admin.post("/admin/settings", data=form)
    assert ok.status_code == 200 and "设置已保存" in ok.text
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine, async_sessionmaker

    from app.services import company_settings

    async def read():
        engine = create_async_engine(demo_settings.database_url)
        async with async_sessionmaker(engine)() as db:
            values = await company_settings.load(db)
        await engine.dispose()
        return values

    values = asyncio.run(read())
    assert values.sla_minutes("emergency") == 8
    assert values["slot_template"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    # The demo database is shared by the whole run: put the company's settings back.
    assert admin.post("/admin/settings", data=original).status_code == 200
