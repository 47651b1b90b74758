"""Signs requests with botocore, as a second oracle for the sigv4 package.

Usage:
  botocore_oracle.py sign            reads {"access_key", "secret_key", "requests": [...]}
                                     on stdin and prints the signed requests as JSON
  botocore_oracle.py client URL      calls the Chime API at URL with a botocore client
                                     and prints the outcome of each call as JSON
The secret is read from the SIGV4_TEST_SECRET environment variable in client mode.
"""
import json
import os
import sys

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def sign(spec):
    creds = Credentials(spec["access_key"], spec["secret_key"])
    out = []
    for r in spec["requests"]:
        req = AWSRequest(
            method=r["method"],
            url=r["url"],
            data=r.get("body", "").encode("utf-8"),
            headers=r.get("headers") or {},
            params=r.get("params") or {},
        )
        SigV4Auth(creds, "chime", "us-east-1").add_auth(req)
        prepared = req.prepare()
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        out.append({
            "name": r["name"],
            "method": prepared.method,
            "url": prepared.url,
            "headers": [[k, v] for k, v in prepared.headers.items()],
            "body": body.decode("utf-8"),
        })
    return out


def client(url, access_key):
    c = botocore.session.get_session().create_client(
        "chime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=access_key,
        aws_secret_access_key=os.environ["SIGV4_TEST_SECRET"],
        config=Config(retries={"max_attempts": 1}),
    )
    account = "0b9a0a4c-2f3e-4c8e-9a53-6f0c7b0d2e11"
    calls = {
        "GetAccount": lambda: c.get_account(AccountId=account),
        "ListAccounts": lambda: c.list_accounts(Name="a b+c/d~e@f", UserEmail="x+y@example.com", MaxResults=5),
        "CreateUser": lambda: c.create_user(AccountId=account, Email="a+b@example.com", UserType="PrivateUser"),
        "GetUser": lambda: c.get_user(AccountId="x", UserId="a+b c/d@\u00e9"),
    }
    out = {}
    for name, call in calls.items():
        try:
            call()
            out[name] = "ok"
        except Exception as e:  # reported to the Go test, which fails on it
            out[name] = "error: %s" % e
    return out


def main():
    if sys.argv[1] == "sign":
        result = sign(json.load(sys.stdin))
    else:
        result = client(sys.argv[2], sys.argv[3])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
