from datetime import date

import pytest

from csm_extension.engine.survey_token import (
	TokenError,
	derive_key,
	hash_secret,
	make_token,
	new_secret,
	parse_token,
	verify,
)

KEY = derive_key("site-secret")
EXPIRES = date(2026, 1, 31)


def test_round_trip_and_only_the_hash_is_needed():
	secret = new_secret()
	token = make_token(KEY, "CSM-NPSI-2026-00001", secret, EXPIRES)
	parsed = parse_token(token)
	assert (parsed.invitation, parsed.secret) == ("CSM-NPSI-2026-00001", secret)
	verify(KEY, parsed, EXPIRES, hash_secret(secret))
	assert secret not in hash_secret(secret) and len(hash_secret(secret)) == 64


def test_secrets_are_unguessable():
	assert len({new_secret() for _ in range(1000)}) == 1000
	assert len(new_secret()) >= 22  # 16 random bytes


@pytest.mark.parametrize(
	"change",
	[
		lambda n, s, g: f"{n}.{s}.{g[:-1]}{'0' if g[-1] != '0' else '1'}",  # signature
		lambda n, s, g: f"{n}.{s[:-1]}{'A' if s[-1] != 'A' else 'B'}.{g}",  # secret
		lambda n, s, g: f"CSM-NPSI-2026-00002.{s}.{g}",  # another invitation
	],
)
def test_changed_tokens_are_refused(change):
	secret = new_secret()
	name, s, g = make_token(KEY, "CSM-NPSI-2026-00001", secret, EXPIRES).split(".")
	with pytest.raises(TokenError):
		verify(KEY, parse_token(change(name, s, g)), EXPIRES, hash_secret(secret))


def test_expiry_other_key_or_hash_refused():
	secret = new_secret()
	parsed = parse_token(make_token(KEY, "CSM-NPSI-2026-00001", secret, EXPIRES))
	for key, expires, stored in (
		(KEY, date(2026, 2, 28), hash_secret(secret)),  # a later deadline is not in the signature
		(derive_key("other-site"), EXPIRES, hash_secret(secret)),
		(KEY, EXPIRES, hash_secret("other")),
		(KEY, EXPIRES, None),
	):
		with pytest.raises(TokenError):
			verify(key, parsed, expires, stored)


@pytest.mark.parametrize(
	"token", [None, "", "abc", "a.b.c", "x" * 500, "A.B.C.D", "na me.secretsecretsecret." + "0" * 64]
)
def test_malformed_tokens_are_refused(token):
	with pytest.raises(TokenError):
		parse_token(token)


def test_no_site_secret_no_key():
	with pytest.raises(TokenError):
		derive_key("")
