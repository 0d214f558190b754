"""make feedback writes pages only for plain graded folders of valid learner ids."""

from __future__ import annotations

from negotiation_course.grading.feedback import _graded_pairs


def test_only_plain_folders_of_valid_ids_get_feedback(tmp_path, capsys):
    graded = tmp_path / "autograded"
    (graded / "ada" / "lesson").mkdir(parents=True)
    for bad in ("*", ".hidden", "=HYPERLINK(x)"):
        (graded / bad / "lesson").mkdir(parents=True)
    (graded / "bob").symlink_to(graded / "ada")
    (graded / "ada" / "linked").symlink_to(graded / "ada" / "lesson")
    assert _graded_pairs(graded) == [("ada", "lesson")]
    said = capsys.readouterr().err
    assert all(name in said for name in ("'*'", "'.hidden'", "'=HYPERLINK(x)'", "'bob'"))
    assert _graded_pairs(tmp_path / "missing") == []
