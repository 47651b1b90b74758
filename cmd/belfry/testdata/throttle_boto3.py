"""Lists accounts six times in a row with a key limited to 5 requests a
second with a burst of 1 (BELFRY_RATE_LIMIT=5, BELFRY_RATE_BURST=1): boto3's
default retry mode ("legacy") retries each 429 ThrottledClientException and
every call succeeds. Its "standard" mode does not retry that exception,
which is what the README tells users.

usage: throttle_boto3.py ENDPOINT_URL WANT_ACCOUNTS
"""

import sys

import boto3
from botocore.config import Config

endpoint, want = sys.argv[1], int(sys.argv[2])
legacy = boto3.client("chime", endpoint_url=endpoint, region_name="us-east-1",
                      config=Config(retries={"mode": "legacy"}))
for i in range(6):
    out = legacy.list_accounts()
    got = len(out["Accounts"])
    assert got == want, f"call {i + 1}: {got} accounts, want {want}"
    print(f"legacy call {i + 1}: {got} accounts after {out['ResponseMetadata']['RetryAttempts']} retries")

standard = boto3.client("chime", endpoint_url=endpoint, region_name="us-east-1",
                        config=Config(retries={"mode": "standard"}))
try:
    standard.list_accounts()
    standard.list_accounts()
except standard.exceptions.ThrottledClientException as e:
    meta = e.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 429, meta
    assert e.response["Error"]["Code"] == "ThrottledClientException", e.response["Error"]
    print(f"standard mode: ThrottledClientException after {meta['RetryAttempts']} retries, Retry-After {meta['HTTPHeaders'].get('retry-after')}")
else:
    sys.exit("standard mode: two calls at once went through; want the second throttled")
