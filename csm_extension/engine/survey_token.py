"""Signed, unguessable survey tokens: `<invitation>.<secret>.<signature>`.

The secret is random (128 bits); the store keeps only its sha256, so a leaked table cannot answer
surveys. The signature is HMAC-SHA256 over invitation, secret and expiry date with a key derived from
the site's secret, so a token cannot be forged or moved to another invitation or a later expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

# Invitation names are naming-series names (letters, digits, dashes); secrets and signatures are
# URL-safe base64 / hex. No part contains a dot.
_TOKEN = re.compile(r"^([A-Za-z0-9-]{1,140})\.([A-Za-z0-9_-]{16,64})\.([0-9a-f]{64})$")


class TokenError(ValueError):
	"""A token that is malformed or whose signature does not match."""


@dataclass(frozen=True)
class ParsedToken:
	invitation: str
	secret: str
	signature: str


def derive_key(site_secret: str) -> bytes:
	"""A key for survey links only, so that its use never overlaps another use of the site secret."""
	if not site_secret:
		raise TokenError("no site secret to sign survey links with")
	return hmac.new(site_secret.encode(), b"csm-nps-survey-token-v1", hashlib.sha256).digest()


def new_secret() -> str:
	return secrets.token_urlsafe(16)


def hash_secret(secret: str) -> str:
	return hashlib.sha256(secret.encode()).hexdigest()


def sign(key: bytes, invitation: str, secret: str, expires_on: date) -> str:
	message = f"{invitation}\n{secret}\n{expires_on.isoformat()}".encode()
	return hmac.new(key, message, hashlib.sha256).hexdigest()


def make_token(key: bytes, invitation: str, secret: str, expires_on: date) -> str:
	return f"{invitation}.{secret}.{sign(key, invitation, secret, expires_on)}"


def parse_token(token: str | None) -> ParsedToken:
	"""Split a token; anything that is not three well-formed parts is refused."""
	match = _TOKEN.match(token.strip()) if isinstance(token, str) else None
	if not match:
		raise TokenError("malformed survey token")
	return ParsedToken(*match.groups())


def verify(key: bytes, parsed: ParsedToken, expires_on: date, secret_hash: str | None) -> None:
	"""Raises TokenError unless the signature and the stored hash both match (constant-time compares)."""
	expected = sign(key, parsed.invitation, parsed.secret, expires_on)
	signature_ok = hmac.compare_digest(expected, parsed.signature)
	hash_ok = hmac.compare_digest(hash_secret(parsed.secret), secret_hash or "")
	if not (signature_ok and hash_ok):
		raise TokenError("survey token signature does not match")
