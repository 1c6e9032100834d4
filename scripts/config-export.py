#!/usr/bin/env python3
"""Writes an AWS Config export of many S3 buckets across accounts, for
benchmarks: the shape an aggregator's query or a delivered snapshot has.

    python3 scripts/config-export.py --buckets 20000 --accounts 50 \
        --shape select --out bench-data/config20000/export.json [--gzip]

Shapes (see README, "Deployed buckets"): `snapshot` (values as objects),
`history` (values as JSON strings) and `select` (`Results`, each item a JSON
string, as `select-aggregate-resource-config` prints it). Buckets vary the
way real accounts do, deterministically (no randomness): most private with
Block Public Access, some public through an ACL or a policy, some shared
with a partner account, some with settings missing; each account has its
account-level Block Public Access item, and a few access points.
"""
import argparse
import gzip
import json
import os

OWNER = {"displayName": None,
         "id": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}
REGIONS = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"]


def account(i):
    return f"{100000000000 + i * 7919:012d}"


def policy(name, i, partner):
    statements = [{
        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]
    if i % 25 == 3:
        statements.append({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                           "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"})
    if i % 10 == 4:
        statements.append({"Sid": "Partner", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{partner}:root"},
                           "Action": ["s3:GetObject", "s3:ListBucket"],
                           "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]})
    return {"Version": "2012-10-17", "Statement": statements}


def bucket(i, acct, region, partner):
    name = f"acme-{acct[-4:]}-{region}-data-{i:05d}"
    public_acl = i % 40 == 7
    open_bpa = i % 25 == 3 or public_acl
    grants = [{"grantee": {"id": OWNER["id"], "displayName": None}, "permission": "FullControl"}]
    if public_acl:
        grants.append({"grantee": "AllUsers", "permission": "Read"})
    supplementary = {
        "AccessControlList": {"grantSet": None, "grantList": grants, "owner": OWNER,
                              "isRequesterCharged": False},
        "BucketVersioningConfiguration": {"status": "Off" if i % 6 == 0 else "Enabled",
                                          "isMfaDeleteEnabled": None},
        "BucketLoggingConfiguration": {
            "destinationBucketName": None if i % 5 == 0 else f"acme-{acct[-4:]}-logs",
            "logFilePrefix": None if i % 5 == 0 else f"{name}/"},
        "ServerSideEncryptionConfiguration": {"rules": [{
            "applyServerSideEncryptionByDefault": {
                "sseAlgorithm": "AES256" if i % 3 else "aws:kms",
                "kmsMasterKeyID": None if i % 3 else
                f"arn:aws:kms:{region}:{acct}:key/0a1b2c3d-1111-2222-3333-{i:012d}"},
            "bucketKeyEnabled": i % 3 == 0}]},
        "BucketLifecycleConfiguration": {"rules": [{
            "id": "abort-multipart", "status": "Enabled", "prefix": None, "filter": None,
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
            "expirationInDays": 0, "transitions": None}]} if i % 2 else None,
        "IsRequesterPaysEnabled": False,
    }
    if i % 9 != 5:
        supplementary["PublicAccessBlockConfiguration"] = {
            "blockPublicAcls": not open_bpa, "ignorePublicAcls": not open_bpa,
            "blockPublicPolicy": not open_bpa, "restrictPublicBuckets": not open_bpa}
    if i % 8 != 1:
        supplementary["BucketPolicy"] = {"policyText": json.dumps(policy(name, i, partner))}
    return {
        "version": "1.3", "accountId": acct,
        "configurationItemCaptureTime": "2026-11-28T02:00:00.000Z",
        "configurationItemStatus": "OK", "configurationStateId": str(1732759200000 + i),
        "arn": f"arn:aws:s3:::{name}", "resourceType": "AWS::S3::Bucket",
        "resourceId": name, "resourceName": name, "awsRegion": region,
        "availabilityZone": "Regional", "resourceCreationTime": "2024-03-01T10:00:00.000Z",
        "tags": {"team": f"team-{i % 17}", "env": "prod" if i % 4 else "dev"},
        "relatedEvents": [], "relationships": [],
        "configuration": {"name": name, "owner": OWNER,
                          "creationDate": "2024-03-01T10:00:00.000Z"},
        "supplementaryConfiguration": {k: v for k, v in supplementary.items() if v is not None},
    }


def account_block(acct, n):
    on = n % 3 != 1
    return {
        "version": "1.3", "accountId": acct,
        "configurationItemCaptureTime": "2026-11-28T02:00:00.000Z",
        "configurationItemStatus": "OK", "resourceType": "AWS::S3::AccountPublicAccessBlock",
        "resourceId": acct, "awsRegion": "us-east-1",
        "configuration": {"blockPublicAcls": on, "ignorePublicAcls": on,
                          "blockPublicPolicy": on, "restrictPublicBuckets": on},
        "supplementaryConfiguration": {},
    }


def access_point(bucket_item, n):
    acct, region = bucket_item["accountId"], bucket_item["awsRegion"]
    name = f"ap-{n:04d}"
    internet = n % 2 == 0
    return {
        "version": "1.3", "accountId": acct,
        "configurationItemCaptureTime": "2026-11-28T02:00:00.000Z",
        "configurationItemStatus": "OK", "resourceType": "AWS::S3::AccessPoint",
        "resourceId": name, "resourceName": name, "awsRegion": region,
        "configuration": {
            "Name": name, "Bucket": bucket_item["resourceName"], "BucketAccountId": acct,
            "NetworkOrigin": "Internet" if internet else "VPC",
            "VpcConfiguration": None if internet else {"VpcId": "vpc-0a1b2c3d4e5f67890"},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "IgnorePublicAcls": True,
                "BlockPublicPolicy": n % 4 != 0, "RestrictPublicBuckets": n % 4 != 0}},
        "supplementaryConfiguration": {},
    }


def stringify(item):
    """History output: `configuration` and each supplementary value a JSON string."""
    item = dict(item)
    item["configuration"] = json.dumps(item["configuration"])
    item["supplementaryConfiguration"] = {
        k: json.dumps(v) for k, v in item["supplementaryConfiguration"].items()}
    return item


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--buckets", type=int, default=20000)
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--shape", choices=["snapshot", "history", "select"], default="select")
    ap.add_argument("--out", required=True)
    ap.add_argument("--gzip", action="store_true")
    args = ap.parse_args()
    items = []
    for i in range(args.buckets):
        acct = account(i % args.accounts)
        partner = account((i + 1) % args.accounts + args.accounts)
        items.append(bucket(i, acct, REGIONS[i % len(REGIONS)], partner))
        if i % 100 == 50:
            items.append(access_point(items[-1], i // 100))
    items += [account_block(account(n), n) for n in range(args.accounts)]
    if args.shape == "snapshot":
        doc = {"fileVersion": "1.0", "configSnapshotId": "bench", "configurationItems": items}
    elif args.shape == "history":
        doc = {"configurationItems": [stringify(i) for i in items]}
    else:
        doc = {"Results": [json.dumps(i) for i in items],
               "QueryInfo": {"SelectFields": [{"Name": "*"}]}}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    text = json.dumps(doc, indent=None if args.shape == "select" else 1)
    if args.gzip:
        with gzip.open(args.out, "wt") as f:
            f.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)
    print(f"{args.out}: {len(items)} items, {len(text) / 1e6:.1f} MB of JSON")


if __name__ == "__main__":
    main()
