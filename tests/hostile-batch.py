#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# hostile-batch.py BATCH KEY OUTDIR: makes hostile variants of a real
# batch made by hcp-pack, for hcp-verify to refuse.  BATCH is the good
# .tar.gz, KEY the station's private key (PEM; cases that must pass the
# signature are signed again with it through `openssl dgst -sm3 -sign`,
# as a station would), OUTDIR gets CASE.tar.gz files and a list EXPECT:
# one line "CASE<TAB>what hcp-verify must say" (an extended regular
# expression for grep -E).  Every case must exit 1.
#
# The gzip members are written as hcp-pack writes them (no name, no
# time, Unix), the tar members as ustar, so only what a case is about
# differs from a good batch.  Standard library only.  HOSTILE_FIELD_MIB
# sets the size of the one field of field-bomb (default 64; the
# benchmark tests/bench/verify.sh uses 1024).

import hashlib
import io
import os
import struct
import subprocess
import sys
import tarfile
import zlib

BLOCK = 512
RECORD = 10240


def gzip_bytes(data):
    """One gzip member with the header hcp-pack writes."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = c.compress(data) + c.flush()
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + body +
            struct.pack("<II", zlib.crc32(data) & 0xffffffff,
                        len(data) & 0xffffffff))


def gzip_stream(chunks):
    """A gzip member over an iterable of byte strings (for big ones)."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"]
    crc = 0
    n = 0
    for ch in chunks:
        crc = zlib.crc32(ch, crc)
        n += len(ch)
        out.append(c.compress(ch))
    out.append(c.flush())
    out.append(struct.pack("<II", crc & 0xffffffff, n & 0xffffffff))
    return b"".join(out)


def header(name, size=0, kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.size = size if kind == tarfile.REGTYPE else 0
    ti.type = kind
    ti.linkname = link
    ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    ti.mtime = 1795300000
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    return ti.tobuf(format=tarfile.USTAR_FORMAT)


def pad(n):
    return b"\0" * (-n % BLOCK)


def tar_bytes(members, end=True):
    """members: (name, data) or (name, None, kind, link); ustar + end."""
    out = []
    for m in members:
        if len(m) == 2:
            name, data = m
            out += [header(name, len(data)), data, pad(len(data))]
        else:
            out.append(header(m[0], 0, m[2], m[3]))
    if end:
        out.append(b"\0" * (2 * BLOCK))
    n = sum(len(x) for x in out)
    if end:
        out.append(b"\0" * (-n % RECORD))
    return b"".join(out)


def sm3(data):
    try:
        return hashlib.new("sm3", data).hexdigest()
    except ValueError:
        r = subprocess.run(["openssl", "dgst", "-sm3", "-r"], input=data,
                           capture_output=True, check=True)
        return r.stdout.split()[0].decode()


def sign(key, data):
    r = subprocess.run(["openssl", "dgst", "-sm3", "-sign", key],
                       input=data, capture_output=True, check=True)
    return r.stdout


def resign(files, key):
    """Payload-Oxum, manifests, tag manifests and signature made again."""
    payload = sorted(k for k in files if k.startswith("data/"))
    oxum = "Payload-Oxum: %d.%d\n" % (sum(len(files[p]) for p in payload),
                                       len(payload))
    files["bag-info.txt"] = "".join(
        oxum if ln.startswith("Payload-Oxum:") else ln
        for ln in files["bag-info.txt"].decode().splitlines(True)).encode()
    for alg, fn in (("sha256", lambda d: hashlib.sha256(d).hexdigest()),
                    ("sm3", sm3)):
        files["manifest-%s.txt" % alg] = "".join(
            "%s  %s\n" % (fn(files[p]), p) for p in payload).encode()
    tags = sorted(k for k in files if not k.startswith("data/") and
                  not k.startswith("tagmanifest-") and k != "signature.sm2")
    for alg, fn in (("sha256", lambda d: hashlib.sha256(d).hexdigest()),
                    ("sm3", sm3)):
        files["tagmanifest-%s.txt" % alg] = "".join(
            "%s  %s\n" % (fn(files[t]), t) for t in tags).encode()
    files["signature.sm2"] = sign(key, files["tagmanifest-sm3.txt"])
    return files


def members_of(top, files):
    return [(top + "/" + k, files[k]) for k in sorted(files)]


def main():
    batch, key, outdir = sys.argv[1:4]
    with tarfile.open(batch, "r:gz") as t:
        names = t.getnames()
        top = names[0].split("/")[0]
        files = {}
        for m in t.getmembers():
            if m.isfile():
                files[m.name[len(top) + 1:]] = t.extractfile(m).read()
    good_tar = tar_bytes(members_of(top, files))
    csv = files["data/evaluations.csv"]
    expect = []

    def case(name, data, what):
        with open(os.path.join(outdir, name + ".tar.gz"), "wb") as f:
            f.write(data)
        expect.append("%s\t%s" % (name, what))

    def changed(**kw):
        f = dict(files)
        f.update(kw)
        return f

    # A control: the same bag written by this script verifies.
    with open(os.path.join(outdir, "control.tar.gz"), "wb") as f:
        f.write(gzip_bytes(good_tar))

    # -- data after the tar's end, inside the gzip member
    forged = csv.replace(b",5,", b",1,", 1) + b"forged\n"
    second = tar_bytes([(top + "/data/evaluations.csv", forged)])
    case("appended-tar", gzip_bytes(good_tar + second),
         "data after the end of the tar archive")
    case("appended-junk", gzip_bytes(good_tar + b"junk\n"),
         "data after the end of the tar archive")
    case("appended-unpadded",
         gzip_bytes(tar_bytes(members_of(top, files), end=False) +
                    b"\0" * BLOCK + second),
         "data after the end of the tar archive")
    case("padding-bomb", gzip_stream([good_tar] +
                                     [b"\0" * (1 << 20)] * 16),
         "bytes of padding after the end of the tar archive")
    # -- after the gzip member
    case("second-gzip", gzip_bytes(good_tar) + gzip_bytes(second),
         "data after the end of the compressed stream")
    case("appended-raw", gzip_bytes(good_tar) + b"x" * 100,
         "data after the end of the compressed stream")
    # -- members
    dirs = [(top + "/", None, tarfile.DIRTYPE, "")]
    dirs += [("%s/d%04d/" % (top, i), None, tarfile.DIRTYPE, "")
             for i in range(3000)]
    case("dirs-3000", gzip_bytes(tar_bytes(dirs + members_of(top, files))),
         "directory that is not part of a batch|more than 64 members")
    many = [(top + "/", None, tarfile.DIRTYPE, "")] * 70
    case("dirs-repeated", gzip_bytes(tar_bytes(many +
                                               members_of(top, files))),
         "member given twice|more than 64 members")
    extra = changed(**{"data/a-extra.csv": forged})
    case("extra-payload",
         gzip_bytes(tar_bytes(members_of(top, resign(extra, key)))),
         "data/a-extra.csv: not a file of a batch")
    evil = changed(**{"evil.txt": b"x\n"})
    case("extra-tag", gzip_bytes(tar_bytes(members_of(top, resign(evil,
                                                                   key)))),
         "evil.txt: not a file of a batch")
    case("dir-other", gzip_bytes(tar_bytes(
        [(top + "/data/sub/", None, tarfile.DIRTYPE, "")] +
        members_of(top, files))), "directory that is not part of a batch")
    twice = members_of(top, files)
    case("member-twice", gzip_bytes(tar_bytes(twice[:1] + twice)),
         "member given twice")
    for name, kind, link in (("symlink", tarfile.SYMTYPE, "/etc/passwd"),
                             ("hardlink", tarfile.LNKTYPE,
                              top + "/bagit.txt"),
                             ("fifo", tarfile.FIFOTYPE, "")):
        case(name, gzip_bytes(tar_bytes(
            [(top + "/data/x", None, kind, link)] + members_of(top, files))),
             "links, devices and other special files")
    for name, path in (("absolute", "/tmp/" + top + "/bagit.txt"),
                       ("dotdot", top + "/../bagit.txt"),
                       ("outside", "other/bagit.txt")):
        case(name, gzip_bytes(tar_bytes([(path, b"x")] +
                                        members_of(top, files))),
             "unsafe member name|outside the bag")
    # a name that would retitle the terminal and break the line
    case("control-name", gzip_bytes(tar_bytes(
        [(top + "/data/\x1b]0;pwn\x07\nx.csv", b"x")] +
        members_of(top, files))), r"data/\\x1b\]0;pwn\\x07\\x0ax\.csv")
    big = changed(**{"bag-info.txt": files["bag-info.txt"] +
                     b"Source-Organization: " + b"x" * 100000 + b"\n"})
    case("tag-too-large", gzip_bytes(tar_bytes(members_of(top, big))),
         "bag-info.txt: member too large")
    # -- labels and counts, signed again so only they are wrong
    info = files["bag-info.txt"]
    lines = info.decode().splitlines(True)
    rec = [ln for ln in lines if ln.startswith("Hcp-Records:")][0]
    rep = changed(**{"bag-info.txt": (info.decode() + rec).encode()})
    case("label-twice", gzip_bytes(tar_bytes(members_of(top, resign(rep,
                                                                    key)))),
         "label Hcp-Records given more than once")
    low = changed(**{"bag-info.txt": (info.decode() + rec.replace(
        "Hcp-Records", "hcp-records").replace(": ", ": 99", 1)).encode()})
    case("label-twice-case",
         gzip_bytes(tar_bytes(members_of(top, resign(low, key)))),
         "label hcp-records given more than once")
    for name, value in (("bag-count-absurd", "1 of 1000000 and more"),
                        ("bag-count-large", "1 of 1000000"),
                        ("bag-count-zero", "0 of 1"),
                        ("bag-count-sign", "+1 of 1"),
                        ("bag-count-reversed", "2 of 1")):
        bc = changed(**{"bag-info.txt": "".join(
            "Bag-Count: %s\n" % value if ln.startswith("Bag-Count:") else ln
            for ln in lines).encode()})
        case(name, gzip_bytes(tar_bytes(members_of(top, resign(bc, key)))),
             "Bag-Count missing or not")
    rl = changed(**{"bag-info.txt": "".join(
        "Hcp-Records: 5\n" if ln.startswith("Hcp-Records:") else ln
        for ln in lines).encode()})
    case("records-lie", gzip_bytes(tar_bytes(members_of(top, resign(rl,
                                                                    key)))),
         "Hcp-Records says 5, but data/evaluations.csv has 1 records")
    ox = changed(**{"bag-info.txt": "".join(
        "Payload-Oxum: 7.1\n" if ln.startswith("Payload-Oxum:") else ln
        for ln in lines).encode()})
    case("oxum-lie", gzip_bytes(tar_bytes(members_of(top, ox))),
         "Payload-Oxum 7.1, but the payload is [0-9]+\\.1: refused before")
    # -- bombs: one huge field, one huge row (small compressed)
    head = csv.split(b"\n", 1)[0] + b"\n"
    size = int(os.environ.get("HOSTILE_FIELD_MIB", "64")) << 20

    def bomb(name, body_chunks, body_len, what):
        f = changed()
        f["bag-info.txt"] = "".join(
            "Payload-Oxum: %d.1\n" % (len(head) + body_len)
            if ln.startswith("Payload-Oxum:") else ln
            for ln in lines).encode()
        out = []
        for k in sorted(f):
            if k == "data/evaluations.csv":
                n = len(head) + body_len
                out += [header(top + "/" + k, n), head] + body_chunks
                out.append(pad(n))
            else:
                out += [header(top + "/" + k, len(f[k])), f[k],
                        pad(len(f[k]))]
        out.append(b"\0" * (2 * BLOCK))
        n = sum(len(x) for x in out)
        out.append(b"\0" * (-n % RECORD))
        case(name, gzip_stream(out), what)

    mib = b"A" * (1 << 20)
    bomb("field-bomb", [b"\""] + [mib] * (size >> 20) + [b"\"\n"], size + 3,
         "evaluations.csv:2: a field longer than 8192 bytes")
    commas = b"," * (1 << 20)
    bomb("row-bomb", [commas] * 16 + [b"\n"], 16 * (1 << 20) + 1,
         "evaluations.csv:2: a row longer than 65536 bytes")

    with open(os.path.join(outdir, "EXPECT"), "w") as f:
        f.write("\n".join(expect) + "\n")


if __name__ == "__main__":
    main()
