"""Drive a running Belfry with boto3, as a user's script would.

usage: e2e_boto3.py ENDPOINT_URL ENTERPRISE_ACCOUNT_ID DOMAIN

The access key comes from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
ENTERPRISE_ACCOUNT_ID is an account the caller has already made Enterprise
by claiming DOMAIN with `belfry domain claim`. Exits non-zero with a message
on the first check that fails.
"""

import os
import sys

import boto3


class CheckFailed(Exception):
    pass


def check(cond, what, got=None):
    if not cond:
        raise CheckFailed(what + ("" if got is None else ": got %r" % (got,)))


def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


def expect_error(client, exc_name, code, http_status, call, **kwargs):
    """Call and check that it raises client.exceptions.<exc_name>."""
    exc = getattr(client.exceptions, exc_name)
    try:
        call(**kwargs)
    except exc as e:
        got_code = e.response["Error"]["Code"]
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        check(got_code == code, "%s: error code %s" % (call.__name__, code), got_code)
        check(got_status == http_status, "%s: HTTP status %d" % (call.__name__, http_status), got_status)
        check(e.response["Error"].get("Message"), "%s: the error has a message" % call.__name__, e.response)
        return
    except Exception as e:  # noqa: BLE001 - any other exception is a failure
        raise CheckFailed("%s(%r): want %s, got %s: %s" % (call.__name__, kwargs, exc_name, type(e).__name__, e))
    raise CheckFailed("%s(%r): want %s, got success" % (call.__name__, kwargs, exc_name))


def main(endpoint, enterprise_id, domain):
    client = boto3.client(
        "chime",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    )

    # A Team account and its invitations.
    resp = client.create_account(Name="boto3 team")
    check(status(resp) == 201, "create_account: HTTP 201", status(resp))
    team = resp["Account"]
    check(team["AccountType"] == "Team", "create_account: a Team account", team)
    team_id = team["AccountId"]

    emails = ["p%d@example.com" % i for i in range(5)]
    resp = client.invite_users(AccountId=team_id, UserEmailList=emails)
    check(status(resp) == 201, "invite_users: HTTP 201", status(resp))
    got = [(i["EmailAddress"], i["Status"]) for i in resp["Invites"]]
    check(got == [(e, "Pending") for e in emails], "invite_users: one Pending invite per address, in order", got)

    pages = client.get_paginator("list_users").paginate(AccountId=team_id, PaginationConfig={"PageSize": 2})
    listed = []
    page_count = 0
    for page in pages:
        page_count += 1
        listed += [u["PrimaryEmail"] for u in page["Users"]]
    check(listed == emails, "list_users paginator: every invited user once, in order", listed)
    check(page_count == 3, "list_users paginator: 3 pages of at most 2", page_count)

    expect_error(client, "BadRequestException", "BadRequestException", 400,
                 client.create_user, AccountId=team_id, Email="x@example.com", UserType="PrivateUser")
    expect_error(client, "ForbiddenException", "ForbiddenException", 403,
                 client.create_room, AccountId=team_id, Name="Nope")
    expect_error(client, "NotFoundException", "NotFoundException", 404,
                 client.get_account, AccountId="no-such-account")

    # The Enterprise account the caller claimed.
    account = client.get_account(AccountId=enterprise_id)["Account"]
    check(account["AccountType"] == "EnterpriseOIDC", "get_account: the claimed account is EnterpriseOIDC", account)

    resp = client.create_user(AccountId=enterprise_id, Email="dev@" + domain, UserType="PrivateUser")
    check(status(resp) == 201, "create_user: HTTP 201", status(resp))
    user = resp["User"]
    check(user["UserRegistrationStatus"] == "Registered" and user["PrimaryEmail"] == "dev@" + domain,
          "create_user: a Registered user with the address", user)
    pin = user.get("PersonalPIN", "")
    check(len(pin) == 10 and pin.isdigit(), "create_user: a 10-digit PersonalPIN", pin)
    expect_error(client, "ConflictException", "ConflictException", 409,
                 client.create_user, AccountId=enterprise_id, Email="DEV@" + domain)
    expect_error(client, "BadRequestException", "BadRequestException", 400,
                 client.create_user, AccountId=enterprise_id, Email="dev@unclaimed.example")

    first = client.create_room(AccountId=enterprise_id, Name="Ops", ClientRequestToken="ops-room-token-1")
    again = client.create_room(AccountId=enterprise_id, Name="Ops", ClientRequestToken="ops-room-token-1")
    check(status(first) == 201 and status(again) == 201, "create_room: HTTP 201", (status(first), status(again)))
    room_id = first["Room"]["RoomId"]
    check(again["Room"]["RoomId"] == room_id, "create_room: the same ClientRequestToken gives the same room",
          (room_id, again["Room"]["RoomId"]))
    other = client.create_room(AccountId=enterprise_id, Name="Ops", ClientRequestToken="ops-room-token-2")
    check(other["Room"]["RoomId"] != room_id, "create_room: another token gives another room", other["Room"])

    resp = client.create_room_membership(AccountId=enterprise_id, RoomId=room_id, MemberId=user["UserId"],
                                         Role="Administrator")
    check(status(resp) == 201, "create_room_membership: HTTP 201", status(resp))
    m = resp["RoomMembership"]
    check(m["Member"]["MemberId"] == user["UserId"] and m["Role"] == "Administrator" and m["RoomId"] == room_id,
          "create_room_membership: the user as Administrator of the room", m)
    expect_error(client, "ConflictException", "ConflictException", 409,
                 client.create_room_membership, AccountId=enterprise_id, RoomId=room_id, MemberId=user["UserId"])
    team_user_id = client.list_users(AccountId=team_id)["Users"][0]["UserId"]
    expect_error(client, "NotFoundException", "NotFoundException", 404,
                 client.create_room_membership, AccountId=enterprise_id, RoomId=room_id, MemberId=team_user_id)

    resp = client.list_room_memberships(AccountId=enterprise_id, RoomId=room_id)
    check(status(resp) == 200, "list_room_memberships: HTTP 200", status(resp))
    got = [(m["Member"]["MemberId"], m["Member"]["Email"], m["Role"]) for m in resp["RoomMemberships"]]
    check(got == [(user["UserId"], "dev@" + domain, "Administrator")],
          "list_room_memberships: the one Administrator", got)
    check("NextToken" not in resp, "list_room_memberships: no NextToken on the last page", resp.get("NextToken"))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except CheckFailed as e:
        sys.exit("e2e_boto3.py: FAIL: %s" % e)
    print("e2e_boto3.py: ok (boto3 %s)" % boto3.__version__)
