from app.routes.forms import safe_next
from app.security import hash_password, verify_password


def test_passwords_are_hashed_with_argon2id():
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")


def test_missing_or_broken_hash_never_verifies():
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_next_parameter_cannot_leave_the_site():
    assert safe_next("/admin/staff", "/") == "/admin/staff"
    assert safe_next("//evil.example/x", "/home") == "/home"
    assert safe_next("https://evil.example", "/home") == "/home"
    assert safe_next("/\\evil.example", "/home") == "/home"
    assert safe_next(None, "/home") == "/home"
