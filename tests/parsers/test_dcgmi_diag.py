import json

import pytest

from bringup.parsers import ParseError, dcgmi_diag
from tests.parsers.platform_fixtures import cut, fixture


def test_level1_json_all_pass():
    results = dcgmi_diag.parse(fixture("dcgmi_diag", "r1_pass.json"))
    assert len(results) == 9
    assert results[0] == dcgmi_diag.DiagResult("Deployment", "Denylist", "Pass", "")
    assert dcgmi_diag.failures(results) == []


def test_dcgm3_json_failure_with_structured_warning():
    results = dcgmi_diag.parse(fixture("dcgmi_diag", "r1_fail_dcgm3.json"))
    assert [r.status for r in results] == ["Pass", "Fail"]
    failed = dcgmi_diag.failures(results)[0]
    assert (failed.category, failed.test) == ("Deployment", "Persistence Mode")
    assert failed.detail.startswith("GPU 0,1,2,3,4,5,6,7: Persistence mode for GPU 5 is disabled.")


def test_level3_table_with_failure_and_warning():
    results = dcgmi_diag.parse(fixture("dcgmi_diag", "r3_text_fail.txt"))
    assert len(results) == 16
    assert dcgmi_diag.failures(results) == [
        dcgmi_diag.DiagResult("Hardware", "GPU Memory", "Fail", "GPU: 3 GPU 3 Error using CUDA API cudaMalloc")]
    assert dcgmi_diag.DiagResult("Hardware", "Diagnostic", "Pass", "All") in results
    assert results[-1] == dcgmi_diag.DiagResult("Stress", "EUD Test", "Skip", "All")


def test_truncated_table_raises():
    text = fixture("dcgmi_diag", "r3_text_fail.txt")
    with pytest.raises(ParseError, match="not closed by its bottom border"):
        dcgmi_diag.parse(text[: text.index("| Targeted Power")])


def test_truncated_json_raises():
    with pytest.raises(ParseError, match=r"line \d+: not valid JSON"):
        dcgmi_diag.parse(cut(fixture("dcgmi_diag", "r1_pass.json")))


def test_error_message_raises():
    with pytest.raises(ParseError, match="not a row of the `dcgmi diag` table: 'Error: unable to establish a connection"):
        dcgmi_diag.parse("Error: unable to establish a connection to the specified host: localhost\n")


def test_tag_output_prefixed_json():
    text = fixture("dcgmi_diag", "r1_fail_dcgm3.json")
    prefixed = "".join(f"[1,0]<stdout>:{line}\r\n" for line in text.split("\n"))
    assert dcgmi_diag.parse(prefixed) == dcgmi_diag.parse(text)


def test_json_of_another_shape_raises():
    # Found by tests/test_fuzz_parsers.py: null where a category's tests list belongs raised a bare TypeError.
    document = json.loads(fixture("dcgmi_diag", "r1_pass.json"))
    document["DCGM GPU Diagnostic"]["test_categories"][0]["tests"] = None
    with pytest.raises(ParseError) as raised:
        dcgmi_diag.parse(json.dumps(document) + "\n")
    assert str(raised.value) == ("`dcgmi diag` JSON is not shaped as expected: "
                                 "TypeError: 'NoneType' object is not iterable")
