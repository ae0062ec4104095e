"""io: finding inputs, decoding bytes (or refusing them in one line), writing atomically."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from cleaner.decoding import decode, decode_text, read_text
from cleaner.io import InputError, find_inputs, write_atomic

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def touch(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folders_are_walked_recursively_in_sorted_order_with_relative_paths(tmp_path):
    root = tmp_path / "in"
    for name in ["b.txt", "a/b.txt", "a/c/d.txt", "z.txt"]:
        touch(root / name)
    found = list(find_inputs([str(root)]))
    assert [f.name for f in found] == ["a/b.txt", "a/c/d.txt", "b.txt", "z.txt"]
    assert found[1].path == root / "a" / "c" / "d.txt"


def test_only_visible_txt_files_are_taken_from_folders(tmp_path):
    root = tmp_path / "in"
    for name in ["keep.txt", "image.png", "notes.md", ".hidden.txt", ".git/config.txt", "sub/ok.txt"]:
        touch(root / name)
    assert [f.name for f in find_inputs([str(root)])] == ["keep.txt", "sub/ok.txt"]


def test_a_directly_named_file_goes_to_the_top(tmp_path):
    path = touch(tmp_path / "deep" / "er" / "page.txt")
    (found,) = find_inputs([str(path)])
    assert found.path == path
    assert found.name == "page.txt"


def test_a_directly_named_file_is_taken_whatever_its_suffix(tmp_path):
    path = touch(tmp_path / "page.text")
    assert [f.name for f in find_inputs([str(path)])] == ["page.text"]


def test_dash_is_standard_input():
    (found,) = find_inputs(["-"])
    assert str(found.path) == "-" and found.name == "stdin.txt"


def test_the_output_folder_is_excluded_from_the_walk(tmp_path):
    root = tmp_path / "in"
    touch(root / "a.txt")
    touch(root / "out" / "a.txt")
    assert [f.name for f in find_inputs([str(root)], exclude=root / "out")] == ["a.txt"]


def test_decode_utf8_with_and_without_bom():
    assert decode("Grüße".encode(), "a.txt") == "Grüße"
    assert decode(codecs.BOM_UTF8 + "Grüße".encode(), "a.txt") == "Grüße"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16_with_a_bom(encoding):
    text = "Grüße aus Köln\nzweite Zeile"
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[encoding]
    data = bom + text.encode(encoding)
    assert decode(data, "a.txt") == text


@pytest.mark.parametrize("data", [PNG, b"text\x00with a NUL"])
def test_binary_data_is_refused_in_one_line(data):
    with pytest.raises(InputError) as caught:
        decode(data, "img.txt")
    message = str(caught.value)
    assert message.startswith("img.txt:") and "binary" in message
    assert "\n" not in message


def test_text_in_no_encoding_is_refused_naming_file_and_line(monkeypatch):
    monkeypatch.setattr("cleaner.decoding.detect_text_charset", lambda data: None)  # nothing reads the bytes as text
    with pytest.raises(InputError) as caught:
        decode(b"first line\nsecond \xff\xfe line\n", "bad.txt")
    message = str(caught.value)
    assert message.startswith("bad.txt:2:") and "UTF-8" in message
    assert "\n" not in message


def test_text_in_a_legacy_code_page_is_read_in_the_codec_detected():
    assert decode_text("Привет, как дела? Всё хорошо, спасибо.\n".encode("cp1251"), "ru.txt") == (
        "Привет, как дела? Всё хорошо, спасибо.\n", "cp1251")
    assert decode_text(b"plain ascii\n", "a.txt") == ("plain ascii\n", "utf-8")


def test_read_text_of_a_missing_file_is_an_input_error(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(InputError, match="cannot read") as caught:
        read_text(missing)
    assert str(missing) in str(caught.value)


def test_write_atomic_creates_folders_and_replaces_content(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"
    write_atomic(target, "first\n")
    assert target.read_bytes() == b"first\n"
    write_atomic(target, "zweite Zeile\r\n")  # written as given: no newline translation
    assert target.read_bytes() == b"zweite Zeile\r\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]  # no temporary file left


def test_write_atomic_keeps_the_target_mode_and_uses_0644_for_new_files(tmp_path):
    old_umask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        write_atomic(new, "x")
        assert new.stat().st_mode & 0o777 == 0o644
        existing = tmp_path / "existing.txt"
        existing.write_text("old")
        existing.chmod(0o600)
        write_atomic(existing, "new")
        assert existing.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)


def test_write_atomic_leaves_the_old_content_when_writing_fails(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old content")

    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # type: ignore[arg-type]  # not text: the write fails midway
    assert target.read_text() == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_writing_through_a_symlink_changes_the_file_and_keeps_the_link(tmp_path):
    from cleaner.io import write_atomic

    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
