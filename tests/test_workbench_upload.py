"""The shared upload check: base name, type, size and text, each refusal one line in the page's own words."""

from __future__ import annotations

import pytest

from index.errors import CrosscheckError
from verify.workbench.batch import MAX_BATCH_BYTES, BatchError, read_claims
from verify.workbench.upload import Upload, UploadRules, check_upload, upload_text


class NotesError(CrosscheckError):
    pass


RULES = UploadRules(extensions=(".txt", ".md"), max_bytes=1024 * 1024, error=NotesError,
                    allowed="notes can be .txt or .md files", each="a notes file", accepted="UTF-8 .txt or .md")


def test_check_upload_keeps_the_base_name_and_a_lower_case_extension():
    assert check_upload("C:\\Users\\kim\\Notes.MD", b"hi", RULES) == Upload(name="Notes.MD", suffix=".md", data=b"hi")
    assert check_upload("../../etc/n.txt", b"", RULES).name == "n.txt"


@pytest.mark.parametrize("name, data, message", [
    ("dir/n.pdf", b"x", "n.pdf: notes can be .txt or .md files, not .pdf"),
    ("notes", b"x", "notes: notes can be .txt or .md files, not files without an extension"),
    ("n.txt", b"x" * (1024 * 1024 + 1), "n.txt is 1.0 MB; a notes file may be at most 1 MB"),
])
def test_check_upload_refuses_with_the_pages_own_error_and_words(name, data, message):
    with pytest.raises(NotesError) as caught:
        check_upload(name, data, RULES)
    assert str(caught.value) == message


def test_upload_text_decodes_utf8_and_utf16_with_a_mark_and_refuses_the_rest_in_the_pages_error():
    assert upload_text(check_upload("n.txt", "\ufeffcafé".encode(), RULES), RULES) == "café"
    assert upload_text(check_upload("n.txt", "café".encode("utf-16"), RULES), RULES) == "café"
    with pytest.raises(NotesError, match=r"^n.txt is UTF-16 text \(without a byte-order mark\); save it as UTF-8, "
                                         r"or as UTF-16 with a byte-order mark \(accepted: UTF-8 .txt or .md\)$"):
        upload_text(check_upload("n.txt", "café".encode("utf-16-le"), RULES), RULES)


def test_a_file_of_claims_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(BatchError, match=r"^claims.csv is 2.0 MB; a file of claims may be at most 2 MB$"):
        read_claims("claims.csv", b"\xff" * (MAX_BATCH_BYTES + 1))  # not UTF-8 either: the size is said first
