"""TFRecord files of `tf.train.Example` rows, read (and, for test fixtures, written) without
TensorFlow: the record framing and the few protobuf messages an Example is made of.

Framing of one record: uint64 length, uint32 masked CRC-32C of the length, the bytes, uint32
masked CRC-32C of the bytes (all little-endian). The length's CRC is checked (it guards against
reading garbage as a length); the data's CRC is not, because the files are GZIP streams whose
own CRC-32 already covers every byte (a pure-Python CRC-32C over gigabytes would take an hour).

Example { Features features = 1 }, Features { map<string, Feature> feature = 1 },
Feature { oneof { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3 } }.
"""
from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np

from .base import FormatError

_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_records(stream: BinaryIO, where: Path) -> Iterator[bytes]:
    while True:
        head = stream.read(12)
        if not head:
            return
        if len(head) < 12:
            raise FormatError(f"{where}: truncated record header")
        length, crc = struct.unpack("<QI", head)
        if masked_crc(head[:8]) != crc:
            raise FormatError(f"{where}: record length fails its CRC (not a TFRecord file, or corrupt)")
        data = stream.read(length)
        if len(data) < length or len(stream.read(4)) < 4:
            raise FormatError(f"{where}: truncated record")
        yield data


def read_tfrecord(path: Path) -> Iterator[bytes]:
    """Records of a GZIP-compressed TFRecord file (PLATO's), or an uncompressed one."""
    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as stream:
            yield from read_records(stream, path)
    except (OSError, EOFError) as e:  # gzip.BadGzipFile is an OSError
        raise FormatError(f"{path}: {type(e).__name__}: {e}") from None


def write_tfrecord(path: Path, records: list[bytes]) -> None:
    """A GZIP-compressed TFRecord file (fixtures in PLATO's format)."""
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        for data in records:
            length = struct.pack("<Q", len(data))
            f.write(length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", masked_crc(data)))


# --- protobuf wire format --------------------------------------------------------------------

def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise FormatError("truncated varint in a tf.train.Example")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(buf: bytes) -> Iterator[tuple[int, int, bytes | int]]:
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        else:
            raise FormatError(f"unsupported protobuf wire type {wire} in a tf.train.Example")
        yield number, wire, value


def _feature(buf: bytes):
    for kind, _, inner in _fields(buf):
        values = list(_fields(inner))
        if kind == 1:
            return [v for _, _, v in values]
        if kind == 2:
            raw = b"".join(v for _, _, v in values)  # packed (one run) or one float per field
            return np.frombuffer(raw, "<f4")
        if kind == 3:
            out = []
            for _, w, v in values:
                if w == 2:
                    pos = 0
                    while pos < len(v):
                        x, pos = _varint(v, pos)
                        out.append(x - (1 << 64) if x >= 1 << 63 else x)
                else:
                    out.append(v - (1 << 64) if v >= 1 << 63 else v)
            return np.array(out, np.int64)
    return []


def parse_example(data: bytes) -> dict:
    """A tf.train.Example as {key: list of bytes | float32 array | int64 array}."""
    out = {}
    for number, _, features in _fields(data):
        if number != 1:
            continue
        for entry_number, _, entry in _fields(features):
            if entry_number != 1:
                continue
            key, value = None, b""
            for n, _, v in _fields(entry):
                if n == 1:
                    key = v.decode()
                elif n == 2:
                    value = v
            out[key] = _feature(value)
    return out


def _len_field(number: int, payload: bytes) -> bytes:
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def encode_example(features: dict) -> bytes:
    """A tf.train.Example from {key: bytes | float32 array} (what PLATO's files hold)."""
    entries = b""
    for key, value in features.items():
        if isinstance(value, bytes):
            feature = _len_field(1, _len_field(1, value))
        else:
            feature = _len_field(2, _len_field(1, np.asarray(value, "<f4").tobytes()))
        entries += _len_field(1, _len_field(1, key.encode()) + _len_field(2, feature))
    return _len_field(1, entries)
