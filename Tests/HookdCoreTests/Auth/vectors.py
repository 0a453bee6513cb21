#!/usr/bin/env python3
"""Known-answer vectors for the Auth tests, computed independently of hookd's Swift code.

Only the Python standard library (hmac, hashlib, base64, json) and, for RS*/ES* JWTs, the
`cryptography` package are used. The output is a Swift file:

    python3 Tests/HookdCoreTests/Auth/vectors.py > Tests/HookdCoreTests/Auth/AuthVectors.swift

HMAC vectors are deterministic. RSA keys are generated afresh and ECDSA signatures are randomised,
so re-running changes those constants (every one of them still verifies).
"""
import base64
import hashlib
import hmac
import json
import pathlib

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ROOT = pathlib.Path(__file__).resolve().parents[3]
NOW = 1767225600  # 2026-01-01T00:00:00Z: the fixed clock of the tests
BODY = b'{"id":"evt_9b1f","type":"Connection.Updated","data":{"status":"data_available"}}'
SECRET_ONE = "first-secret-value"
SECRET_TWO = "second-secret-value"
HS_ONE = "hs-first-secret-" + "0123456789abcdef" * 3   # 64 bytes: enough for HS512
HS_TWO = "hs-second-secret" + "fedcba9876543210" * 3
STRIPE_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"   # used verbatim by Stripe
SW_SECRET_TWO = "whsec_" + base64.b64encode(b"a second standard-webhooks key").decode()

out = []


def emit(name, value, doc=None):
    if doc:
        out.append(f"    /// {doc}")
    if isinstance(value, int):
        out.append(f"    static let {name} = {value}")
    elif "\n" in value:
        out.append(f'    static let {name} = """\n{value.rstrip()}\n"""')
    else:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        out.append(f'    static let {name} = "{escaped}"')


def mac(key, message, digest=hashlib.sha256):
    return hmac.new(key if isinstance(key, bytes) else key.encode(), message, digest).digest()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, claims, sign):
    head = b64url(json.dumps(header, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{head}.{body}".encode()
    return f"{head}.{body}.{b64url(sign(signing_input))}"


def hs(secret, digest):
    return lambda data: hmac.new(secret.encode(), data, digest).digest()


def es(key, digest, size):
    def sign(data):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    return sign


def rs(key, digest):
    return lambda data: key.sign(data, padding.PKCS1v15(), digest)


def public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


body_hex = hashlib.sha256(BODY).hexdigest()
body_b64 = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
claims = {"iat": NOW, "request_body_sha256": body_hex}

emit("now", NOW, "The tests' clock: 2026-01-01T00:00:00Z.")
emit("body", BODY.decode(), "The body every vector signs, byte for byte.")
for name, value in [("secretOne", SECRET_ONE), ("secretTwo", SECRET_TWO), ("hsOne", HS_ONE),
                    ("hsTwo", HS_TWO), ("stripeSecret", STRIPE_SECRET), ("swSecretTwo", SW_SECRET_TWO)]:
    emit(name, value)

# hmac scheme, each with the second secret so that a rotation list [one, two] must try both.
emit("hmacSHA1Hex", mac(SECRET_TWO, BODY, hashlib.sha1).hex(), "hmac sha1 hex, secretTwo.")
emit("hmacSHA256Prefixed", "sha256=" + mac(SECRET_TWO, BODY).hex(), "hmac sha256 hex with prefix sha256=.")
emit("hmacSHA512Base64", base64.b64encode(mac(SECRET_TWO, BODY, hashlib.sha512)).decode(), "hmac sha512 base64.")
emit("github", "sha256=" + mac(SECRET_TWO, BODY).hex(), "X-Hub-Signature-256, secretTwo.")
github_doc = "sha256=" + mac("It's a Secret to Everybody", b"Hello, World!").hex()
assert github_doc == "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", github_doc
emit("githubDocSignature", github_doc, "GitHub's documented example: secret \"It's a Secret to Everybody\", body Hello, World!")
emit("shopify", base64.b64encode(mac(SECRET_TWO, BODY)).decode(), "X-Shopify-Hmac-Sha256, secretTwo.")
emit("basic", "Basic " + base64.b64encode(f"ops:{SECRET_TWO}".encode()).decode(), "Basic ops:secretTwo.")

# Stripe: t.body keyed with the whsec_ string itself.
stripe_v1 = mac(STRIPE_SECRET, f"{NOW}.".encode() + BODY).hex()
emit("stripe", f"t={NOW},v1={stripe_v1}", "Stripe-Signature with stripeSecret used verbatim.")
emit("stripeRotated", f"t={NOW},v1={'0' * 64},v0={'1' * 64},v1={stripe_v1}",
     "Stripe-Signature while rolling: a wrong v1 first, a v0 to ignore, then the right v1.")

# Standard Webhooks: the spec libraries' own example, and one of ours with the second secret.
sw_key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
sw_example = base64.b64encode(mac(sw_key, b'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}')).decode()
assert sw_example == "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sw_example  # the libraries' test vector
emit("swExampleSignature", "v1," + sw_example, "standard-webhooks libraries' example (msg_p5jX…, 1614265330).")
sw_two = base64.b64encode(mac(base64.b64decode(SW_SECRET_TWO[6:]),
                              f"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W.{NOW}.".encode() + BODY)).decode()
emit("swSignature", f"v1,{base64.b64encode(b'x' * 32).decode()} v1a,AAAA v1,{sw_two}",
     "webhook-signature for msg_2KWPBgLlAfxdpx2AI54pPJ85f4W at now, swSecretTwo: a wrong v1, a v1a, the right v1.")
emit("swSingle", f"v1,{sw_two}", "The right entry alone.")

# Slack: the documentation's example, then ours with the second secret.
slack_doc_secret = "8f742231b10e8888abcd99yyyzzz85a5"
slack_doc_body = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                  "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                  "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                  "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
slack_doc = "v0=" + mac(slack_doc_secret, b"v0:1531420618:" + slack_doc_body.encode()).hex()
assert slack_doc == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", slack_doc
emit("slackDocSecret", slack_doc_secret)
emit("slackDocBody", slack_doc_body)
emit("slackDocSignature", slack_doc, "Slack's documented example (timestamp 1531420618).")
emit("slack", "v0=" + mac(SECRET_TWO, f"v0:{NOW}:".encode() + BODY).hex(), "X-Slack-Signature at now, secretTwo.")

# JWTs.
passage = serialization.load_pem_private_key((ROOT / "examples/keys/passage-signing.pem").read_bytes(), None)
emit("jwtHS256", jwt({"alg": "HS256", "typ": "JWT"}, claims, hs(HS_TWO, hashlib.sha256)), "HS256, hsTwo.")
emit("jwtHS384", jwt({"alg": "HS384", "typ": "JWT"}, claims, hs(HS_ONE, hashlib.sha384)), "HS384, hsOne.")
emit("jwtHS512", jwt({"alg": "HS512", "typ": "JWT"}, claims, hs(HS_ONE, hashlib.sha512)), "HS512, hsOne.")
emit("jwtES256", jwt({"alg": "ES256", "typ": "JWT", "kid": "wsk_1"}, claims, es(passage, hashes.SHA256(), 32)),
     "ES256 as Passage sends it (kid wsk_1), with examples/keys/passage-signing.pem.")
emit("jwtES256Base64NoIat", jwt({"alg": "ES256", "typ": "JWT"}, {"request_body_sha256": body_b64},
                                es(passage, hashes.SHA256(), 32)), "ES256, base64 body hash, no iat (FusionAuth-like).")
emit("jwtES256NoBodyHash", jwt({"alg": "ES256", "typ": "JWT"}, {"iat": NOW}, es(passage, hashes.SHA256(), 32)),
     "ES256 without request_body_sha256.")
emit("jwtES256OtherBody", jwt({"alg": "ES256", "typ": "JWT"},
                              {"iat": NOW, "request_body_sha256": hashlib.sha256(b"{}").hexdigest()},
                              es(passage, hashes.SHA256(), 32)), "ES256 whose body hash is that of {}.")
emit("jwtES256KidK2", jwt({"alg": "ES256", "typ": "JWT", "kid": "k2"}, claims, es(passage, hashes.SHA256(), 32)),
     "ES256 naming kid k2.")
emit("jwtNone", jwt({"alg": "none", "typ": "JWT"}, claims, lambda data: b"x"), "alg none.")
for size, digest in [(384, hashes.SHA384()), (521, hashes.SHA512())]:
    key = ec.generate_private_key(ec.SECP384R1() if size == 384 else ec.SECP521R1())
    alg = "ES384" if size == 384 else "ES512"
    emit(f"es{alg[2:]}PublicPEM", public_pem(key))
    emit(f"jwt{alg}", jwt({"alg": alg, "typ": "JWT"}, claims, es(key, digest, (size + 7) // 8)), f"{alg}.")
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
emit("rsaPublicPEM", public_pem(rsa_key), "A 2048-bit RSA key made for these vectors.")
emit("rsaPrivatePEM", private_pem(rsa_key))
for alg, digest in [("RS256", hashes.SHA256()), ("RS384", hashes.SHA384()), ("RS512", hashes.SHA512())]:
    emit(f"jwt{alg}", jwt({"alg": alg, "typ": "JWT"}, claims, rs(rsa_key, digest)), f"{alg} with rsaPrivatePEM.")
emit("weakRSAPublicPEM", public_pem(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
     "A 1024-bit RSA key: must be refused.")
emit("bodySHA256Hex", body_hex)
emit("bodySHA256Base64", body_b64)

print("// Generated by Tests/HookdCoreTests/Auth/vectors.py (Python hmac/hashlib/base64 and the `cryptography`")
print("// package, independent of hookd's Swift code). Do not edit by hand: re-run the script.")
print("// swiftlint:disable all")
print("enum AuthVectors {")
print("\n".join(out))
print("}")
