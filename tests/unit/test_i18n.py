"""Chinese first: the language negotiation and a complete zh_CN catalogue."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_language_from_cookie_then_browser_then_chinese():
    assert i18n.negotiate("en", "zh-CN,zh;q=0.9") == "en"
    assert i18n.negotiate(None, "en-US,en;q=0.9") == "en"
    assert i18n.negotiate(None, "zh-TW") == "zh_CN"
    assert i18n.negotiate("fr", "de-DE") == "zh_CN"
    assert i18n.negotiate(None, None) == "zh_CN"


def test_gettext_follows_the_request_locale():
    token = i18n.set_locale("zh_CN")
    try:
        assert i18n.gettext("Sign in") == "登录"
    finally:
        i18n._current_locale.reset(token)
    token = i18n.set_locale("en")
    try:
        assert i18n.gettext("Sign in") == "Sign in"
    finally:
        i18n._current_locale.reset(token)


def _source_messages() -> set[str]:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_every_visible_string_has_a_chinese_translation():
    with (ROOT / "app/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="zh_CN")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string and all(m.string if isinstance(m.string, tuple) else [m.string])}
    missing = sorted(_source_messages() - translated)
    assert not missing, f"untranslated in zh_CN: {missing}"


def test_every_chinese_message_formats_with_its_english_variables():
    """Templates format every message (newstyle gettext), so a stray % in a translation is a 500."""
    import re

    with (ROOT / "app/translations/zh_CN/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        translation = message.string if isinstance(message.string, str) else message.string[0]
        names = {name: "x" for name in re.findall(r"%\((\w+)\)s", source)} | {"num": 1}
        try:
            source % names
        except (ValueError, TypeError):
            continue  # used only where nothing is formatted; the English would fail first
        try:
            translation % names
        except KeyError:
            continue  # a variable the caller passes but the English leaves out (the month's number)
        except (ValueError, TypeError) as error:
            broken.append((source, translation, str(error)))
    assert broken == []
