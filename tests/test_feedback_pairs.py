"""make feedback writes pages only for plain graded folders; odd ids are named."""

from __future__ import annotations

from negotiation_course.grading.feedback import _graded_pairs


def test_only_plain_folders_get_feedback_and_odd_ids_are_named(tmp_path, capsys):
    graded = tmp_path / "autograded"
    (graded / "ada" / "lesson").mkdir(parents=True)
    for bad in ("*", ".hidden", "=HYPERLINK(x)"):
        (graded / bad / "lesson").mkdir(parents=True)
    (graded / "bob").symlink_to(graded / "ada")
    (graded / "ada" / "linked").symlink_to(graded / "ada" / "lesson")
    assert _graded_pairs(graded) == [("*", "lesson"), (".hidden", "lesson"),
                                     ("=HYPERLINK(x)", "lesson"), ("ada", "lesson")]
    said = capsys.readouterr().err
    assert all(f"{name}: invalid learner id" in said
               for name in ("'*'", "'.hidden'", "'=HYPERLINK(x)'"))
    assert "skipped autograded/'bob'" in said and "skipped autograded/ada/linked" in said
    assert _graded_pairs(tmp_path / "missing") == []
