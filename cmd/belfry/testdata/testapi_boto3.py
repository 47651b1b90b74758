"""Drives Belfry's test API (BELFRY_TEST_API=true) the way a developer's
test suite would, and checks that boto3's retry logic copes with injected
faults: a reset, then ServiceUnavailableException on CreateAccount half the
time (boto3 retries and succeeds, and the recent requests show each
attempt), then always on ListAccounts (boto3 gives up after its attempts
with the right error), ThrottledClientException, and added latency.

usage: testapi_boto3.py ENDPOINT_URL   (credentials: the root key, in the environment)
"""

import json
import sys
import time
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config

endpoint = sys.argv[1]
session = boto3.Session(region_name="us-east-1")


def chime(**retries):
    return session.client("chime", endpoint_url=endpoint, config=Config(retries=retries))


def test_api(method, path, body=None):
    """Sends a SigV4-signed request to /_belfry/test/PATH and returns its JSON."""
    data = json.dumps(body).encode() if body is not None else b""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    req = AWSRequest(method=method, url=f"{endpoint}/_belfry/test/{path}", data=data, headers=headers)
    SigV4Auth(session.get_credentials(), "chime", "us-east-1").add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, data=data or None, headers=dict(prepared.headers), method=method)
    with urllib.request.urlopen(r) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def recent(operation):
    return test_api("GET", f"requests?operation={operation}")["Requests"]


def check(cond, msg):
    if not cond:
        sys.exit(msg)


# A reset leaves no account behind and keeps the key that signs.
chime().create_account(Name="left over")
test_api("POST", "reset")
check(chime().list_accounts()["Accounts"] == [], "accounts left after a reset")
test_api("POST", "reset")  # and the request log starts afresh

# Half of CreateAccount's attempts answer 503: boto3 retries until one passes.
test_api("POST", "faults", {"Operation": "CreateAccount", "Error": "ServiceUnavailableException", "Probability": 0.5})
patient = chime(mode="standard", total_max_attempts=12)
retries = 0
for i in range(4):
    out = patient.create_account(Name=f"Chaos {i}")
    retries += out["ResponseMetadata"]["RetryAttempts"]
log = recent("CreateAccount")
statuses = [r["Status"] for r in log]
check(statuses.count(201) == 4 and statuses.count(503) == retries,
      f"recent CreateAccount statuses {statuses}; want 4 × 201 and the {retries} retries boto3 made as 503")
check(all(r["ErrorType"] == "ServiceUnavailableException" for r in log if r["Status"] == 503), log)
print(f"CreateAccount at 50% ServiceUnavailable: 4 accounts after {retries} retries")

# Every ListAccounts answers 503: boto3 gives up after its 3 attempts.
test_api("POST", "faults", {"Operation": "ListAccounts", "Error": "ServiceUnavailableException", "Probability": 1})
client = chime(mode="standard", total_max_attempts=3)
try:
    client.list_accounts()
    sys.exit("ListAccounts went through a fault of probability 1")
except client.exceptions.ServiceUnavailableException as e:
    check(e.response["ResponseMetadata"]["RetryAttempts"] == 2, e.response["ResponseMetadata"])
log = recent("ListAccounts")
check([r["Status"] for r in log] == [503, 503, 503], f"recent ListAccounts: {log}; want 3 attempts answered 503")
print("ListAccounts at 100% ServiceUnavailable: ServiceUnavailableException after 3 attempts, all listed")

# ThrottledClientException: legacy mode (boto3's default) retries the 429 too.
test_api("POST", "faults", {"Operation": "GetAccount", "Error": "ThrottledClientException"})
legacy = chime(mode="legacy", total_max_attempts=2)
account_id = out["Account"]["AccountId"]
try:
    legacy.get_account(AccountId=account_id)
    sys.exit("GetAccount went through a throttle of probability 1")
except legacy.exceptions.ThrottledClientException as e:
    check(e.response["ResponseMetadata"]["HTTPHeaders"].get("retry-after") == "1", e.response["ResponseMetadata"])
check([r["Status"] for r in recent("GetAccount")] == [429, 429], recent("GetAccount"))
print("GetAccount at 100% Throttled: ThrottledClientException after 2 attempts")

# Latency alone: the call succeeds, late.
test_api("POST", "faults", {"Operation": "ListAccounts", "LatencyMs": 300})
start = time.monotonic()
check(len(chime().list_accounts()["Accounts"]) == 4, "ListAccounts after the latency rule replaced the error")
took = time.monotonic() - start
check(took >= 0.3, f"ListAccounts with 300 ms injected took {took:.3f} s")
faults = test_api("GET", "faults")["Faults"]
check([f["Operation"] for f in faults] == ["CreateAccount", "GetAccount", "ListAccounts"], faults)
test_api("DELETE", "faults")
check(test_api("GET", "faults")["Faults"] == [], "faults left after DELETE")
print(f"ListAccounts with 300 ms latency took {took:.3f} s; faults cleared")
