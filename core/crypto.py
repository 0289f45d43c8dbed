"""Commercial cryptography (密评) behind one small module.

SM3 comes from OpenSSL through hashlib, SM4 from `cryptography`. A certified provider can
replace these functions without touching callers.
"""

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sm3_file(fileobj, chunk_size: int = 1 << 20) -> str:
    h = hashlib.new("sm3")
    for chunk in iter(lambda: fileobj.read(chunk_size), b""):
        h.update(chunk)
    return h.hexdigest()


def _sm4_key() -> bytes:
    """The SM4 key lives outside the database: env DUBAN_SM4_KEY (hex) or a key file in the data dir."""
    env = os.environ.get("DUBAN_SM4_KEY")
    if env:
        return bytes.fromhex(env)
    key_file = settings.DATA_DIR / "sm4.key"
    if not key_file.exists():
        key_file.write_bytes(os.urandom(16))
        key_file.chmod(0o600)
    return key_file.read_bytes()[:16]


def sm4_encrypt(plaintext: str) -> str:
    """SM4-GCM; the stored token is base64(nonce | ciphertext | tag)."""
    if not plaintext:
        return ""
    nonce = os.urandom(12)
    enc = Cipher(algorithms.SM4(_sm4_key()), modes.GCM(nonce)).encryptor()
    ct = enc.update(plaintext.encode()) + enc.finalize()
    return base64.b64encode(nonce + ct + enc.tag).decode()


def sm4_decrypt(token: str) -> str:
    if not token:
        return ""
    raw = base64.b64decode(token)
    nonce, ct, tag = raw[:12], raw[12:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(_sm4_key()), modes.GCM(nonce, tag)).decryptor()
    return (dec.update(ct) + dec.finalize()).decode()


def mask_phone(phone: str) -> str:
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)
