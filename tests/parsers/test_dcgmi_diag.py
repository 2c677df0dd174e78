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
    # Found by tests/parsers/test_fuzz_parsers.py: null where a category's tests list belongs raised a bare TypeError.
    document = json.loads(fixture("dcgmi_diag", "r1_pass.json"))
    document["DCGM GPU Diagnostic"]["test_categories"][0]["tests"] = None
    with pytest.raises(ParseError) as raised:
        dcgmi_diag.parse(json.dumps(document) + "\n")
    assert str(raised.value) == ("`dcgmi diag` JSON is not shaped as expected: "
                                 "TypeError: 'NoneType' object is not iterable")


# ---- real pasted tables (issue 13): prompt line, trailing Markdown fence, wrapped notes, Deployment errors

CUINIT = ("Error using CUDA API cuInit Check DCGM and system logs for errors. Reset GPU. Restart DCGM. Rerun "
          "diagnostics. Unable to initialize CUDA library: 'system not yet initialized'. . Please check if a CUDA "
          "sample program can be run successfully on this host. Refer to https://github.com/nvidia/cuda-samples")


def test_nccl_tests_264_gpu_memory_fails_on_all_eight_gpus():
    results = dcgmi_diag.parse(fixture("dcgmi_diag", "r3_cuda_init_fail_nccl_tests_264.txt"))
    assert len(results) == 13
    assert [r.test for r in results if r.category == "Deployment"] == [
        "Denylist", "NVML Library", "CUDA Main Library", "Permissions and OS Blocks", "Persistence Mode",
        "Environment Variables", "Page Retirement/Row Remap", "Graphics Processes", "Inforom"]
    # The Info note under Persistence Mode (wrapped over 12 rows) is not a failure and not a detail.
    assert dcgmi_diag.DiagResult("Deployment", "Persistence Mode", "Pass", "") in results
    # Eight Warning notes, each wrapped over 7 rows mid-word, joined as dcgmi cut them.
    assert dcgmi_diag.failures(results) == [dcgmi_diag.DiagResult(
        "Hardware", "GPU Memory", "Fail", "All " + " ".join(f"GPU {gpu} {CUINIT}" for gpu in range(8)))]
    assert results[-1] == dcgmi_diag.DiagResult("Stress", "EUD Test", "Skip", "All")


def test_deployment_error_row_is_the_failure_detail_and_the_fence_is_dropped():
    results = dcgmi_diag.parse(fixture("dcgmi_diag", "r4_deployment_error_fenced.txt"))
    assert len(results) == 16
    assert dcgmi_diag.failures(results) == [dcgmi_diag.DiagResult(
        "Deployment", "Persistence Mode", "Fail",
        "Persistence mode for GPU 0 is currently disabled. The DCGM diagnostic requires peristence mode to be "
        "enabled. Enable persistence mode by running \"nvidia-smi -i <gpuId> -pm 1 \" as root.")]
    assert results[-1] == dcgmi_diag.DiagResult("Stress", "Memtest", "Pass", "All")


def test_paste_ending_at_the_bottom_border_without_newline():
    text = fixture("dcgmi_diag", "r4_deployment_error_fenced.txt")
    assert dcgmi_diag.parse(text.replace("\n```\n", "")) == dcgmi_diag.parse(text)


def test_error_row_without_a_test_above_it_is_a_failure_of_its_own():
    table = fixture("dcgmi_diag", "r4_deployment_error_fenced.txt")
    head = table[: table.index("| Denylist")]
    error_rows = table[table.index("| Error"): table.index("| Environment Variables")]
    results = dcgmi_diag.parse(head + error_rows + table[table.index("+-----  Integration"):])
    assert results[0] == dcgmi_diag.DiagResult("Deployment", "Error", "Fail", dcgmi_diag.failures(
        dcgmi_diag.parse(table))[0].detail)


def test_more_gpus_of_the_same_test_in_rows_without_a_name():
    # Rows as printed for a two-GPU group in https://github.com/NVIDIA/go-dcgm/issues/52 (DCGM 3.3.1).
    table = fixture("dcgmi_diag", "r4_deployment_error_fenced.txt")
    rows = ("| GPU Memory                | Pass - GPU: 1                                  |\n"
            "|                           | Fail - GPU: 0                                  |\n"
            "| Warning                   | GPU 0 Error using CUDA API cuCtxCreate Check   |\n"
            "|                           | DCGM and system logs for errors. Reset GPU. R  |\n")
    text = table.replace("| GPU Memory                | Skip - All                                     |\n", rows)
    memory = [r for r in dcgmi_diag.parse(text) if r.test == "GPU Memory"]
    assert memory == [dcgmi_diag.DiagResult("Hardware", "GPU Memory", "Pass", "GPU: 1"),
                      dcgmi_diag.DiagResult("Hardware", "GPU Memory", "Fail",
                                            "GPU: 0 GPU 0 Error using CUDA API cuCtxCreate Check DCGM and system "
                                            "logs for errors. Reset GPU. R")]


def test_prompt_and_kubectl_notice_before_the_json():
    text = fixture("dcgmi_diag", "r1_pass.json")
    pasted = ("$ kubectl exec -n gpu-operator nvidia-dcgm-x -- dcgmi diag -r 1 -j\n"
              'Defaulted container "nvidia-dcgm-ctr" out of: nvidia-dcgm-ctr, toolkit-validation (init)\n' + text)
    with pytest.raises(ParseError):  # the notice is not JSON: only the table form skips it
        dcgmi_diag.parse(pasted)
    assert dcgmi_diag.parse("$ dcgmi diag -r 1 -j\n" + text) == dcgmi_diag.parse(text)


def test_pasted_table_cut_mid_row_raises():
    text = fixture("dcgmi_diag", "r3_cuda_init_fail_nccl_tests_264.txt")
    with pytest.raises(ParseError, match=r"line 35 is not a row of the `dcgmi diag` table: '\| GPU Memory                \|'"):
        dcgmi_diag.parse(text[: text.index("Fail - All")])


def test_pasted_table_cut_inside_a_wrapped_note_raises():
    text = fixture("dcgmi_diag", "r3_cuda_init_fail_nccl_tests_264.txt")
    with pytest.raises(ParseError, match="not closed by its bottom border"):
        dcgmi_diag.parse(text[: text.index("|                           | t DCGM. Rerun diagnostics.")])


def test_pasted_table_without_its_closing_lines_raises():
    text = fixture("dcgmi_diag", "r4_deployment_error_fenced.txt")
    with pytest.raises(ParseError, match="not closed by its bottom border"):
        dcgmi_diag.parse(text[: text.rindex("+----")])


def test_bottom_border_cut_without_newline_raises():
    text = fixture("dcgmi_diag", "r4_deployment_error_fenced.txt")
    with pytest.raises(ParseError):
        dcgmi_diag.parse(text[: text.rindex("+----") + 40])
