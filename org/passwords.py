"""Password policy (R-SEC-1): length, three of four classes, not the account name, not one of the last 5."""

import re

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, get_hasher
from django.core.exceptions import ValidationError


class PolicyValidator:
    def validate(self, password, user=None):
        from org.models import SecurityPolicy

        policy = SecurityPolicy.current()
        errors = []
        if len(password) < policy.password_min_length:
            errors.append(f"密码长度不能少于{policy.password_min_length}位")
        classes = sum(bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"))
        if classes < 3:
            errors.append("密码须包含大写字母、小写字母、数字、特殊符号中的至少三类")
        if user is not None and user.username and user.username.lower() in password.lower():
            errors.append("密码不能包含账号名")
        if user is not None:
            history = list(user.previous_password_hashes or [])
            if user.password:
                history.append(user.password)
            if any(check_password(password, h) for h in history[-5:]):
                errors.append("不能使用最近5次用过的密码")
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return "至少8位，包含大写字母、小写字母、数字、特殊符号中的至少三类，不含账号名，不与最近5次相同。"


class InitialPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, only for the random initial passwords of an account import.

    Each imported account gets its own generated password (12 characters from four classes,
    about 70 bits: no dictionary, no guessing), valid until the first login, which forces a
    change (the new password is hashed with the default hasher). Guessing a 70-bit random
    secret is out of reach at any PBKDF2 cost, so the rounds that protect chosen passwords
    (1,000,000) are not needed here — and 5,000 accounts hash in seconds instead of half an hour."""

    algorithm = "pbkdf2_sha256_initial"
    iterations = 10_000


def hash_initial_password(password: str) -> str:
    """The hash of a generated initial password: InitialPasswordHasher where the settings list it
    (production), otherwise the default hasher (tests use a fast one)."""
    from django.contrib.auth.hashers import make_password

    try:
        hasher = get_hasher(InitialPasswordHasher.algorithm)
    except ValueError:
        hasher = get_hasher()
    return make_password(password, hasher=hasher)
