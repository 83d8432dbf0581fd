import logging

from workstation.logs import scrub, setup_logging


def test_scrub_masks_ids_and_passwords():
    assert scrub("登记 11010519491231002X 完成") == "登记 110105********002X 完成"
    assert scrub("code 91350100M000100Y43") == "code 913501********0Y43"
    assert "secret1" not in scrub("login failed password=secret1")
    assert scrub("编号 2026 第12号") == "编号 2026 第12号"


def test_log_file_is_private_and_scrubbed(tmp_path):
    path = setup_logging(tmp_path)
    log = logging.getLogger("workstation.test")
    log.info("registered %s for %s", "11010519491231002X", "王小明")
    for h in logging.getLogger("workstation").handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "110105********002X" in text and "11010519491231002X" not in text
    assert (path.stat().st_mode & 0o777) == 0o600
    for h in list(logging.getLogger("workstation").handlers):
        logging.getLogger("workstation").removeHandler(h)
        h.close()
