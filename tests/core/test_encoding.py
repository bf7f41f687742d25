"""Encodings of imported files: detected among UTF-8 (with or without BOM), Windows-1251,
KOI8-U and the DOS code pages, checked for plausible Ukrainian, overridable, or refused."""

import os
import zipfile

import geopandas
import pytest
import shapely
from django.utils import translation

from core.errors import InvalidInput
from core.imports.encoding import EncodingError, decode
from core.imports.read import read_table
from tests.core.test_imports import kind

TEXTS = [
    "вулиця,Шевченка,12\nпровулок,Садовий,3-а\nвул.,Мар'янівська,5/1\n",
    "назва\nЮхимове\nЦибулеве\nІванківці\nГостинне\nЇжакевича\n",
    "ГОСТИННЕ",
    "street,house\nЩорса,1\n",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-u", "cp1125"])
def test_each_encoding_is_detected_and_decoded_exactly(text, encoding):
    decoded = decode(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == encoding


def test_cp866_without_ukrainian_letters_is_read_as_dos_text():
    text = "вулиця Шевченка, 12; провулок Садовий, 3"
    assert decode(text.encode("cp866")).text == text


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 8,
        "Шевченка".encode().decode("cp1251").encode(),  # UTF-8 read as cp1251, saved again
        "Ð¨ÐµÐ²Ñ‡ÐµÐ½ÐºÐ°, 12".encode(),
        os.urandom(4096).replace(b"\x00", b" "),
    ],
)
def test_nonsense_is_refused(data):
    with pytest.raises(EncodingError):
        decode(data)


def test_a_given_encoding_wins_and_a_wrong_one_names_the_line():
    assert decode("Шевченка".encode("cp1251"), "cp1251").text == "Шевченка"
    with pytest.raises(EncodingError, match="line 2"):
        decode("a\nШевченка".encode("cp1251"), "utf-8")


@pytest.mark.parametrize("encoding", ["koi8-u", "cp1125", "utf-8-sig"])
def test_a_csv_in_any_encoding_imports_with_a_note(tmp_path, encoding):
    path = tmp_path / "a.csv"
    path.write_bytes("назва;lon;lat\nДмитрівка;32.72;48.79\n".encode(encoding))
    table = read_table(path, kind())
    assert table.records[0]["назва"] == "Дмитрівка"
    if encoding != "utf-8-sig":
        assert f"encoding: {encoding} (not UTF-8)" in table.notes


def test_a_garbled_csv_is_refused_with_a_message_and_encoding_overrides(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("назва;lon;lat\n".encode() + bytes(range(160, 256)) * 4 + b";32.7;48.7\n")
    with pytest.raises(InvalidInput, match="does not read as Ukrainian"):
        read_table(path, kind())
    table = read_table(path, kind(), encoding="latin-1")
    assert "encoding: latin-1 (as given)" in table.notes


def _shapefile(tmp_path, encoding, names=("Дмитрівка", "Іванківці")):
    frame = geopandas.GeoDataFrame(
        {"name": list(names)},
        geometry=[shapely.Point(32.72, 48.79)] * len(names),
        crs="EPSG:4326",
    )
    path = tmp_path / "s.shp"
    frame.to_file(path, engine="pyogrio", encoding=encoding)
    (tmp_path / "s.cpg").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-u", "utf-8"])
def test_a_shapefile_without_cpg_is_read_in_its_detected_encoding(tmp_path, encoding):
    table = read_table(_shapefile(tmp_path, encoding), kind())
    assert [r["name"] for r in table.records] == ["Дмитрівка", "Іванківці"]


def test_a_zipped_cp1251_shapefile_without_cpg_is_read(tmp_path):
    _shapefile(tmp_path, "cp1251")
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in tmp_path.glob("s.*"):
            out.write(part, part.name)
    assert read_table(archive, kind()).records[1]["name"] == "Іванківці"


def test_a_garbled_shapefile_without_cpg_is_refused(tmp_path):
    path = _shapefile(tmp_path, "cp1251")
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    header = int.from_bytes(data[8:10], "little")
    for index in range(header + 1, len(data) - 1):
        if data[index] >= 0x80:
            data[index] = 0x80 + (data[index] * 7) % 48  # cp1251 symbols and Latin-ish
    dbf.write_bytes(bytes(data))
    with pytest.raises(InvalidInput, match="does not read as Ukrainian"):
        read_table(path, kind())
